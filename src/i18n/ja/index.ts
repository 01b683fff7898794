import type { Catalogue } from "../index.ts";
import { address } from "./address.ts";
import { bounce } from "./bounce.ts";
import { bouncereport } from "./bouncereport.ts";
import { common } from "./common.ts";
import { headers } from "./headers.ts";
import { demo } from "./demo.ts";
import { domain } from "./domain.ts";
import { refusal } from "./refusal.ts";
import { trace } from "./trace.ts";
import { web } from "./web.ts";

/** 日本語カタログ: モジュールごとのセクションを合わせたもの。コードはモジュール名で始まる。 */
export const ja: Catalogue = { ...common, ...bounce, ...bouncereport, ...address, ...domain, ...trace, ...refusal, ...headers, ...demo, ...web };
