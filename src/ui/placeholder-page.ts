/** Shown until the web UI has been built (`npm run build:ui`). */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>opsdesk 運用保守デスク</title>
<style>body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;max-width:40rem;margin:3rem auto;line-height:1.6}</style></head>
<body><h1>opsdesk 運用保守デスク</h1>
<p>Web 画面はまだビルドされていません。 / The web UI has not been built yet.</p>
<ul><li><a href="/api/docs">API ドキュメント / API docs</a></li><li><a href="/health">稼働状況 / Health</a></li></ul>
</body></html>`;
