export {
  countStaleAggregates,
  refreshSegments,
  updateMemberDerived,
  REFRESH_STAGES,
  type RefreshOptions,
  type RefreshResult,
  type RefreshStage,
  type RefreshTarget,
} from './segmentation.service';
export { segmentationConfigAt } from './segmentation.repo';
export type { SegmentationConfig } from './segmentation.sql';
export { registerSegmentationRoutes } from './segmentation.routes';
export { runNightlySegmentRefresh, SEGMENT_REFRESH_JOB, STALE_RUN_AFTER_MS } from './refresh-job';
