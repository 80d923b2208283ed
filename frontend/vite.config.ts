import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The edge serves dist/ (services/mesh/edge.py): hashed files under /assets/ are cached for a
// year, index.html never. `npm run dev` proxies the API to a running edge.
export default defineConfig({
  plugins: [react()],
  build: { target: "es2020", sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { "/api": process.env.BARABA_EDGE_URL ?? "http://127.0.0.1:5000" } },
  test: { include: ["src/**/*.test.ts"] },
});
