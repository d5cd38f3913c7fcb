/** The product catalogue and recommendations. */
export { registerCatalogRoutes } from './catalog.routes';
