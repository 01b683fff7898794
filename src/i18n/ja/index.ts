import type { Catalogue } from "../index.ts";
import { common } from "./common.ts";

/** 日本語カタログ: モジュールごとのセクションを合わせたもの。コードはモジュール名で始まる。 */
export const ja: Catalogue = { ...common };
