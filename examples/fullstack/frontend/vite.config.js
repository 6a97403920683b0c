import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a backend on localhost:8000 (docker-compose.yml publishes it there),
// so the app can keep calling same-origin URLs, as it does behind nginx in production.
export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: {
      '/api': process.env.DEV_API_PROXY ?? 'http://localhost:8000',
      '/health': process.env.DEV_API_PROXY ?? 'http://localhost:8000',
    },
  },
})
