import path from 'node:path';
import { defineConfig } from '@tarojs/cli';
import type { IProjectConfig } from '@tarojs/taro/types/compile';

type ProjectConfig = IProjectConfig<'webpack5'>;
type WebpackChain = Parameters<NonNullable<NonNullable<ProjectConfig['h5']>['webpackChain']>>[0];

// The workspace package is TypeScript source reached through a symlink; webpack sees its real path, which is
// outside src/ and outside node_modules, so Taro's script rule would not transpile it without this.
// (Taro loads this file as CommonJS, hence __dirname.)
const sharedSource = path.resolve(__dirname, '../../shared/src');
// shared/ brings zod, which ships ES2020 (`?.`, `??`); transpiled like our own code for older WeChat clients.
const transpiledSources = [sharedSource, (file: string) => /[\\/]node_modules[\\/]zod[\\/]/.test(file)];

// shared/ is pure by convention (no IO, no clock; lint-enforced), so a module whose exports go unused can be dropped
// whole: the member page then leaves out the HTTP contracts and the other domains (168 KB → 108 KB). zod itself
// still comes in, through the schema that tiers/config.ts builds at load time.
function markSharedPure(chain: WebpackChain): void {
  const rule = chain.module.rule('member-ops-shared-pure').test(/\.ts$/).include.add(sharedSource).end();
  // webpack-chain's typings lack the `sideEffects` shorthand; `set` writes the same rule key.
  rule.set('sideEffects', false);
}

export default defineConfig<'webpack5'>(() => {
  const config: ProjectConfig = {
    projectName: 'member-ops-miniapp',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // One folder per target so the weapp and h5 builds never overwrite each other.
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    // Where the weapp build reaches the API (the h5 build uses the origin it is served from).
    defineConstants: { API_BASE_URL: JSON.stringify(process.env.TARO_APP_API_BASE ?? 'http://127.0.0.1:3000') },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: transpiledSources },
      postcss: { pxtransform: { enable: true, config: {} }, cssModules: { enable: false } },
      webpackChain: markSharedPure,
    },
    h5: {
      // Relative, so the build can be served from any path; the hash router never changes the document's path.
      publicPath: './',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: transpiledSources },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[chunkhash:8].css',
      },
      postcss: { autoprefixer: { enable: true, config: {} }, cssModules: { enable: false } },
      webpackChain: markSharedPure,
    },
  };
  return config;
});
