/**
 * The request header by which the dashboard's handler tells server components where the API of
 * this same process listens (its socket's own address), so they never follow a client's Host.
 */
export const API_ORIGIN_HEADER = 'x-latent-lab-api-origin';
