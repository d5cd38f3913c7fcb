export { conversionUplift, type ConversionGroup, type UpliftInterval } from './uplift';
export { cronMatches, parseCron } from './cron';
export { messageVariablesOf, renderMessageData } from './render';
