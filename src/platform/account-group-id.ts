/**
 * The vendor's account group id, as the gateway accepts it everywhere: in a route, in the users
 * file, in the group map, in the simulator.
 */
export const ACCOUNT_GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const ACCOUNT_GROUP_ID_RULE = 'must be 1-64 letters, digits, _ or -';
