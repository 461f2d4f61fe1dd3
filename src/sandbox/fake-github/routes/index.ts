import { assetRoutes } from './assets.ts';
import { refRoutes } from './refs.ts';
import { releaseRoutes } from './releases.ts';
import { statusRoutes } from './statuses.ts';
import type { Route } from './route.ts';

// Order matters: /commits/{ref}/statuses and /status before /commits/{ref}, and
// /releases/assets/{id} before nothing else that could swallow it.
export const routes: Route[] = [...releaseRoutes, ...assetRoutes, ...statusRoutes, ...refRoutes];

export type { Route, RouteRequest, RouteResult, GitHubErrorBody } from './route.ts';
export { errorBody } from './route.ts';
