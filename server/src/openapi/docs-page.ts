import { createHash } from 'node:crypto';

/**
 * A self-contained API reference page: it fetches /api/openapi.json and renders every operation with its
 * parameters, request body and responses. No external scripts, so it works offline and under a strict CSP.
 */
export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>会员私域运营 API</title>
<style>
  body { font: 14px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2329; background: #f5f6f7; }
  header { background: #07c160; color: #fff; padding: 16px 24px; }
  header h1 { margin: 0; font-size: 20px; }
  main { max-width: 1080px; margin: 0 auto; padding: 16px 24px 48px; }
  .tag { margin-top: 24px; font-size: 16px; font-weight: 600; }
  details { background: #fff; border: 1px solid #e5e6eb; border-radius: 6px; margin: 8px 0; }
  summary { cursor: pointer; padding: 10px 12px; display: flex; gap: 12px; align-items: center; }
  .m { font: 600 12px monospace; padding: 2px 8px; border-radius: 4px; color: #fff; min-width: 48px; text-align: center; }
  .get { background: #3370ff; } .post { background: #07c160; } .patch, .put { background: #ff8800; } .delete { background: #f54a45; }
  code, pre { font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
  pre { background: #f7f8fa; padding: 8px; border-radius: 4px; overflow: auto; max-height: 320px; }
  .body { padding: 0 12px 12px; }
  h4 { margin: 12px 0 4px; }
</style>
</head>
<body>
<header><h1>会员私域运营 API</h1><div id="desc"></div></header>
<main id="root">加载中…</main>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
let components = {};
// Shows named schemas in place (one level of each name per branch, so recursive schemas stay finite).
const deref = (value, seen) => {
  if (Array.isArray(value)) return value.map((v) => deref(v, seen));
  if (!value || typeof value !== 'object') return value;
  if (typeof value.$ref === 'string') {
    const name = value.$ref.split('/').pop();
    return seen.includes(name) ? { $ref: name } : deref(components[name], seen.concat(name));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deref(v, seen)]));
};
const block = (title, value) => value ? '<h4>' + esc(title) + '</h4><pre>' + esc(JSON.stringify(deref(value, []), null, 2)) + '</pre>' : '';
fetch('/api/openapi.json').then((r) => r.json()).then((doc) => {
  components = (doc.components && doc.components.schemas) || {};
  document.getElementById('desc').textContent = doc.info.description + ' — v' + doc.info.version;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      (byTag[tag] = byTag[tag] || []).push({ path, method, op });
    }
  }
  document.getElementById('root').innerHTML = Object.keys(byTag).sort().map((tag) =>
    '<div class="tag">' + esc(tag) + '</div>' + byTag[tag].map(({ path, method, op }) =>
      '<details><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span><code>' + esc(path) +
      '</code><span>' + esc(op.summary || '') + '</span></summary><div class="body">' +
      (op.description ? '<p>' + esc(op.description) + '</p>' : '') +
      block('Parameters', op.parameters && op.parameters.length ? op.parameters : null) +
      block('Request body', op.requestBody && op.requestBody.content['application/json'].schema) +
      Object.entries(op.responses).map(([status, r]) => block(status + ' ' + r.description, r.content && r.content['application/json'].schema)).join('') +
      '</div></details>').join('')).join('');
}).catch((e) => { document.getElementById('root').textContent = '无法加载 openapi.json: ' + e; });
</script>
</body>
</html>`;

const sha256 = (content: string) => `'sha256-${createHash('sha256').update(content).digest('base64')}'`;
const inlineHashes = (tag: 'script' | 'style') =>
  [...DOCS_PAGE_HTML.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => sha256(match[1] ?? '')).join(' ');

/**
 * The docs page's Content-Security-Policy: its one inline script and style by hash, fetches to this origin only,
 * nothing else (no eval, no external resources, no framing).
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${inlineHashes('script')}`,
  `style-src ${inlineHashes('style')}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
