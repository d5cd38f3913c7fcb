/** The product catalogue and recommendations. */
export { registerCatalogRoutes } from './catalog.routes';
export { rebuildProductSales } from './product-sales';
