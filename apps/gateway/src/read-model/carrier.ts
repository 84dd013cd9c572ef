// The rule lives in libs/contracts, shared with campaign-svc's request-reply answers.
export { carrierOf, type CarrierReport } from '@clarion/contracts';
