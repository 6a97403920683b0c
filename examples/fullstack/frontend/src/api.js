// '' means same origin: nginx in the frontend image proxies /api/ to the backend.
const base = (import.meta.env.VITE_API_BASE_URL ?? '').replace(/\/+$/, '')

async function request(path, options = {}) {
  const response = await fetch(`${base}${path}`, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    ...options,
  })
  if (!response.ok) {
    const detail = await response.text()
    throw new Error(`${options.method ?? 'GET'} ${path}: HTTP ${response.status} ${detail}`)
  }
  return response.status === 204 ? null : response.json()
}

export const api = {
  version: () => request('/api/version'),
  listItems: () => request('/api/items'),
  createItem: (item) => request('/api/items', { method: 'POST', body: JSON.stringify(item) }),
  deleteItem: (id) => request(`/api/items/${id}`, { method: 'DELETE' }),
}
