// Builds the console (React + ECharts) into dist/web, which `kaudit serve` serves at `/`
// (src/server/routes/console.ts). Everything is bundled: no CDN, nothing fetched at run time.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // ECharts alone is ~1 MB before gzip; one chunk per library keeps the app's own code small.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development: the API of a local `kaudit serve`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
