// Tests of the library handlers.
import { fetchComponents, indexComponents } from "./library.js";

test("indexComponents indexes by id", () => { /* … */ });
// Not yet tested: fetchComponents.
