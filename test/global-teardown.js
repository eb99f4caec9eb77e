// After the whole run: the engine directories the jest workers left in the temp directory
// (test/helpers/gateway.ts workerDataDir: do-test-<pid>-<worker>), once their processes are gone.
// Each holds a few hundred MB after the fuzz suites; a run must not leave them behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

module.exports = async function globalTeardown() {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    const m = /^do-test-(\d+)-\d+$/.exec(name);
    // Workers that ended, and this process itself (a run in band holds its engine here).
    if (!m || (Number(m[1]) !== process.pid && alive(Number(m[1])))) continue;
    fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
  }
};
