import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by Lethe itself at /privacy (src/infrastructure/http/web-apps.ts) under a strict CSP:
// no inline script or style, no data: URIs, nothing from another origin (but a configured logo).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/privacy/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/privacy', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
