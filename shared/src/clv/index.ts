export {
  assertBgNbdCustomer,
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesNewCustomer,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from './bg-nbd';
export type { BgNbdCustomer, BgNbdFit, BgNbdParams } from './bg-nbd';
export { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood } from './gamma-gamma';
export type { GammaGammaCustomer, GammaGammaFit, GammaGammaParams } from './gamma-gamma';
export { forecastCustomerValue } from './lifetime-value';
export type { ClvHorizonOptions, ClvModels, CustomerValueForecast } from './lifetime-value';
export { summarizeClvTransactions } from './summarize';
export type { ClvCustomerSummary, ClvSummaryOptions, ClvTransaction } from './summarize';
export { hypergeometric2F1, lnGamma } from './special';
export type { Hypergeometric2F1Options } from './special';
export { minimizeNelderMead } from './nelder-mead';
export type { NelderMeadOptions, NelderMeadResult } from './nelder-mead';
