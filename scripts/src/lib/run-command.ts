/** Runs one of the repository's commands as a child process, for tests of what a user sees. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node --import tsx <script> ...args` from the repository root, with DATABASE_URL and DATA_DIR unset unless
 * `env` sets them; resolves when the process exits.
 */
export function runCommand(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['DATABASE_URL', 'DATA_DIR'] as const) if (!(name in env)) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The lines of `text` that are not empty. */
export function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
