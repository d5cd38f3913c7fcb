/** The product catalogue and recommendations. */
export { registerCatalogRoutes } from './catalog.routes';
export { foldProductSales, rebuildProductSales } from './product-sales';
export { rebuildRecommendationModel, RECOMMENDATION_MODEL, type RecommendationModelSummary } from './recommendation-model';
