import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The panel: `npm run build` writes ui/dist, which the bridge serves (bridge/http/server.ts). */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    // `npx vite --config ui/vite.config.ts` beside a running bridge: the API is proxied.
    proxy: { '/api': 'http://127.0.0.1:5000', '/metrics': 'http://127.0.0.1:5000' },
  },
});
