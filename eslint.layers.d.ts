export declare const LAYER_ZONES: { target: string | string[]; from: string[]; message: string }[];
