export const PROTOCOL_SMOKE = 1;
