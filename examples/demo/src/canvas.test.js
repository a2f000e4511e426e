// Tests of the canvas handlers (their results are in reports/junit.xml and reports/lcov.info).
import { serializeSelection, writeClipboard, notifyCopied, recordCopy } from "./canvas.js";
import { resolveTemplate, renderComponent, notifyCreated } from "./canvas.js";

test("serializeSelection keeps component ids", () => { /* … */ });
test("writeClipboard writes once", () => { /* … */ });
test("renderComponent places the component at the drop point", () => { /* … */ });
// Not yet tested: notifyCopied, recordCopy, resolveTemplate, notifyCreated.
