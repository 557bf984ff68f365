import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The SPA is served by the API on the same origin (src/ui/ui.module.ts serves ui/dist). It imports
 * the pure tables of ../workflows/shared (task types, request types, labels) at build time, so the
 * forms validate exactly like the API. `npm run dev` proxies /api to a running opsdesk (PORT 3000,
 * or OPSDESK_API_URL).
 */
const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.OPSDESK_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  server: {
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': api, '/health': api },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
});
