// Talking to the playground's server: JSON in and out, errors as the sentences the workshop wrote for members.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// Every write carries this header: a page from another site cannot send it (see bot/playground/guard.py).
const WRITE_HEADER = "X-Soundoff-Playground";

export async function api(method, path, body) {
  const init = { method, headers: {} };
  if (method !== "GET") init.headers[WRITE_HEADER] = "1";
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("The playground isn't answering: is `soundoff playground` still running?", 0);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data.error || `The playground answered ${response.status}.`, response.status);
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const remove = (path, body) => api("DELETE", path, body);
