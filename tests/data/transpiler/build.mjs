// Builds the transpiler test corpus: compiles src/ with pinned solc-js compilers (optimizer off and
// on), writes corpus.json (solc's standard-JSON output per contract), runs every scenario natively
// on a JS EVM (@ethereumjs/evm, Istanbul, chain id 10), checks each step's expected outcome and
// decoded results, and writes scenarios.json with the pre-encoded call data and the native return data, logs and created
// addresses. Offline once `npm ci` ran. Usage: `node build.mjs` (from this folder).
//
// CORPUS_DEPS_DIR may name another folder holding package.json + node_modules (default: this one).

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEPS = resolve(process.env.CORPUS_DEPS_DIR ?? HERE);
const require = createRequire(join(DEPS, 'package.json'));
const { Interface, AbiCoder, getCreateAddress, keccak256, id: sigHash, toUtf8Bytes, getAddress } = require('ethers');
const { createEVM } = require('@ethereumjs/evm');
const { createCustomCommon, Mainnet, Hardfork } = require('@ethereumjs/common');
const { createBlock } = require('@ethereumjs/block');
const { createAddressFromString, Account, hexToBytes, bytesToHex } = require('@ethereumjs/util');

// ---------------------------------------------------------------------------------------------
// Compilers, settings, sources

const COMPILERS = [
  { version: '0.5.16', pkg: 'solc-0.5.16', oz: 'oz-2.5.1', ozVersion: '2.5.1', ozDir: 'oz2', evmVersion: 'petersburg' },
  { version: '0.6.12', pkg: 'solc-0.6.12', oz: 'oz-3.4.2', ozVersion: '3.4.2', ozDir: 'oz3', evmVersion: 'istanbul' },
  { version: '0.7.6', pkg: 'solc-0.7.6', oz: 'oz-3.4.2', ozVersion: '3.4.2', ozDir: 'oz3', evmVersion: 'istanbul' },
  { version: '0.8.19', pkg: 'solc-0.8.19', oz: 'oz-4.9.6', ozVersion: '4.9.6', ozDir: 'oz4', evmVersion: 'istanbul' },
  { version: '0.8.26', pkg: 'solc-0.8.26', oz: 'oz-5.0.2', ozVersion: '5.0.2', ozDir: 'oz5', evmVersion: 'istanbul' },
];

// Our sources and the lowest compiler each accepts (the OpenZeppelin wrapper is per compiler).
const SOURCES = [
  ['src/Plain.sol', '0.5.0'],
  ['src/Env.sol', '0.6.0'],
  ['src/Caller.sol', '0.5.0'],
  ['src/CtorArgs.sol', '0.5.0'],
  ['src/Immutables.sol', '0.6.5'],
  ['src/LibUser.sol', '0.5.0'],
  ['src/Factory.sol', '0.5.0'],
  ['src/SaltedFactory.sol', '0.6.2'],
  ['src/TryCatch.sol', '0.6.2'],
  ['src/CustomErrors.sol', '0.8.4'],
  ['src/CodeReader.sol', '0.5.0'],
  ['src/Pair.sol', '0.5.16'],
  ['src/Receivers.sol', '0.5.0'],
];

// One compile job per compiler and setting. The last job is Uniswap v2-core's own setting
// (solc 0.5.16, optimizer 999999 runs, istanbul) applied to our Uniswap-shaped pair/factory.
const JOBS = [];
for (const c of COMPILERS) {
  for (const optimizer of [false, true]) {
    JOBS.push({ compiler: c, optimizer, runs: 200, evmVersion: c.evmVersion, only: null, suffix: '' });
  }
}
JOBS.push({
  compiler: COMPILERS[0], optimizer: true, runs: 999999, evmVersion: 'istanbul',
  only: ['src/Pair.sol'], suffix: '-istanbul',
});

const cmpVersion = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};
const atLeast = (v, min) => cmpVersion(v, min) >= 0;

function jobTag(job) {
  return `${job.compiler.version}-${job.optimizer ? `opt${job.runs}` : 'noopt'}${job.suffix}`;
}

function read(path) {
  return readFileSync(join(HERE, path), 'utf8');
}

function compile(job) {
  const c = job.compiler;
  const files = job.only
    ? job.only
    : [...SOURCES.filter(([, min]) => atLeast(c.version, min)).map(([f]) => f), `src/${c.ozDir}/OzTokens.sol`];
  const sources = {};
  for (const f of files) sources[f] = { content: read(f) };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: job.optimizer, runs: job.runs },
      evmVersion: job.evmVersion,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode', 'evm.deployedBytecode'] } },
    },
  };
  const ozRoot = join(DEPS, 'node_modules', c.oz);
  const findImports = (path) => {
    const oz = '@openzeppelin/contracts/';
    if (path.startsWith(oz)) {
      const content = readFileSync(join(ozRoot, path.slice(oz.length)), 'utf8');
      return { contents: content };
    }
    if (path.startsWith('src/')) return { contents: read(path) };
    return { error: `not found: ${path}` };
  };
  const solc = require(c.pkg);
  if (solc.version().indexOf(c.version) !== 0) throw new Error(`${c.pkg} is ${solc.version()}`);
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`${jobTag(job)}:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const entries = [];
  for (const file of Object.keys(output.contracts).sort()) {
    if (!file.startsWith('src/')) continue;
    for (const name of Object.keys(output.contracts[file]).sort()) {
      const out = output.contracts[file][name];
      if (!out.evm.bytecode.object) continue; // interfaces, abstract contracts
      entries.push({
        name: `${name}@${jobTag(job)}`,
        source: file,
        contract: name,
        compiler: c.version,
        compilerLong: solc.version(),
        optimizer: job.optimizer,
        runs: job.runs,
        evmVersion: job.evmVersion,
        creation: `0x${out.evm.bytecode.object}`,
        runtime: `0x${out.evm.deployedBytecode.object}`,
        abi: out.abi,
        linkReferences: out.evm.bytecode.linkReferences ?? {},
        deployedLinkReferences: out.evm.deployedBytecode.linkReferences ?? {},
        immutableReferences: out.evm.deployedBytecode.immutableReferences ?? {},
      });
    }
  }
  return entries;
}

// Opcodes newer than Istanbul at instruction positions: a linear sweep (skipping PUSH data) of the
// runtime without its CBOR metadata, and of the creation code up to where the runtime starts. solc
// puts an INVALID (0xfe) between the code and its data (revert strings, sub-objects): bytes after
// the last INVALID seen at an instruction position are data and are not reported.
const POST_ISTANBUL = new Map([[0x48, 'BASEFEE'], [0x49, 'BLOBHASH'], [0x4a, 'BLOBBASEFEE'], [0x5c, 'TLOAD'], [0x5d, 'TSTORE'], [0x5e, 'MCOPY'], [0x5f, 'PUSH0']]);
const unlinked = (hex) => hex.replace(/__\$[0-9a-f]{34}\$__/g, '00'.repeat(20));
function newerOpcodes(hex, end) {
  const code = hexToBytes(unlinked(hex));
  const found = [];
  let lastInvalid = Math.min(end, code.length);
  let sawInvalid = false;
  for (let pc = 0; pc < Math.min(end, code.length); pc++) {
    const op = code[pc];
    if (op === 0xfe) {
      lastInvalid = pc;
      sawInvalid = true;
    }
    if (POST_ISTANBUL.has(op)) found.push([pc, POST_ISTANBUL.get(op)]);
    if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  return found.filter(([pc]) => !sawInvalid || pc < lastInvalid).map(([pc, name]) => `${name}@${pc}`);
}
function checkOpcodes(e) {
  const runtime = unlinked(e.runtime).slice(2);
  const n = runtime.length / 2;
  const metaLen = n >= 2 ? parseInt(runtime.slice(-4), 16) : 0;
  const found = newerOpcodes(e.runtime, metaLen + 2 <= n ? n - metaLen - 2 : n);
  const at = unlinked(e.creation).slice(2).indexOf(runtime);
  if (at < 0 || at % 2) throw new Error(`${e.name}: runtime not found in the creation code`);
  found.push(...newerOpcodes(e.creation, at / 2).map((f) => `creation ${f}`));
  if (found.length) throw new Error(`${e.name}: opcodes newer than Istanbul: ${found.join(' ')}`);
}

// ---------------------------------------------------------------------------------------------
// The native world: @ethereumjs/evm, Istanbul, chain id 10, fixed block context.

const DEPLOYER = '0x000000000000000000000000000000000000d0d0';
const ALICE = '0x00000000000000000000000000000000000a11ce';
const BOB = '0x0000000000000000000000000000000000000b0b';
const CAROL = '0x00000000000000000000000000000000000ca401';
const EOA = '0x000000000000000000000000000000000000dEaD';
const ZERO = '0x0000000000000000000000000000000000000000';
const CONTEXT = {
  fork: 'Istanbul', chainId: 10, timestamp: 1620000000, number: 100, coinbase: ZERO,
  deployGasLimit: 9000000, callGasLimit: 9000000,
};
const NAMES = { [DEPLOYER.toLowerCase()]: 'deployer', [ALICE.toLowerCase()]: 'alice', [BOB.toLowerCase()]: 'bob', [CAROL.toLowerCase()]: 'carol', [EOA.toLowerCase()]: 'eoa' };

class World {
  static async create() {
    const w = new World();
    w.common = createCustomCommon({ chainId: CONTEXT.chainId }, Mainnet, { hardfork: Hardfork.Istanbul });
    w.evm = await createEVM({ common: w.common });
    w.block = createBlock(
      { header: { number: BigInt(CONTEXT.number), timestamp: BigInt(CONTEXT.timestamp), gasLimit: 30000000n, coinbase: ZERO } },
      { common: w.common },
    );
    await w.evm.stateManager.putAccount(createAddressFromString(DEPLOYER), new Account(1n, 0n));
    w.frames = [];
    w.evm.events.on('beforeMessage', (msg) => {
      w.frames.push({ create: msg.to === undefined, salted: msg.salt !== undefined, created: [] });
    });
    w.evm.events.on('afterMessage', (result) => {
      const frame = w.frames.pop();
      const ok = !result.execResult.exceptionError;
      if (!ok) return;
      const self = { address: result.createdAddress?.toString(), via: frame.salted ? 'CREATE2' : 'CREATE' };
      const list = frame.create && result.createdAddress ? [self, ...frame.created] : frame.created;
      if (w.frames.length) w.frames[w.frames.length - 1].created.push(...list);
      else w.lastCreated = list;
    });
    return w;
  }

  async nonce(address) {
    const a = await this.evm.stateManager.getAccount(createAddressFromString(address));
    return a ? Number(a.nonce) : 0;
  }

  async code(address) {
    return bytesToHex(await this.evm.stateManager.getCode(createAddressFromString(address)));
  }

  async run(from, to, data, create) {
    this.lastCreated = [];
    const r = await this.evm.runCall({
      caller: createAddressFromString(from),
      to: create ? undefined : createAddressFromString(to),
      data: hexToBytes(data),
      value: 0n,
      gasLimit: BigInt(create ? CONTEXT.deployGasLimit : CONTEXT.callGasLimit),
      block: this.block,
      skipNonceIncrement: !create,
    });
    const err = r.execResult.exceptionError;
    return {
      success: !err,
      error: err ? err.error : undefined,
      returns: bytesToHex(r.execResult.returnValue),
      logs: (err ? [] : r.execResult.logs ?? []).map(([address, topics, logData]) => ({
        address: bytesToHex(address),
        topics: topics.map(bytesToHex),
        data: bytesToHex(logData),
      })),
      created: this.lastCreated,
      createdAddress: r.createdAddress && !err ? r.createdAddress.toString() : undefined,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Scenario steps

const coder = AbiCoder.defaultAbiCoder();

function link(bytecode, refs, addresses) {
  let code = bytecode.slice(2);
  for (const file of Object.keys(refs)) {
    for (const lib of Object.keys(refs[file])) {
      const key = `${file}:${lib}`;
      const addr = addresses[key];
      if (!addr) throw new Error(`no address to link ${key}`);
      for (const { start, length } of refs[file][lib]) {
        code = code.slice(0, start * 2) + addr.slice(2).toLowerCase().padStart(length * 2, '0') + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

class Failure extends Error {}

class Scenario {
  constructor(group, job, byContract, world) {
    this.group = group;
    this.job = job;
    this.byContract = byContract;
    this.world = world;
    this.steps = [];
    this.labels = {}; // label -> address
    this.ifaces = {}; // address -> Interface
    this.deployNonce = 1;
    this.createdCount = 0;
    this.version = job.compiler.version;
  }

  entry(contract) {
    const e = this.byContract[contract];
    if (!e) throw new Error(`${this.group}: no entry ${contract} in ${jobTag(this.job)}`);
    return e;
  }

  labelOf(address) {
    const a = address.toLowerCase();
    for (const [l, v] of Object.entries(this.labels)) if (v.toLowerCase() === a) return l;
    return NAMES[a];
  }

  refs(data) {
    const hex = data.toLowerCase();
    const out = [];
    for (const [l, v] of Object.entries(this.labels)) {
      if (hex.includes(v.slice(2).toLowerCase())) out.push(l);
    }
    return out;
  }

  registerCreated(addresses, step) {
    step.created = addresses.map(({ address, via }) => {
      const label = `created:${this.createdCount++}`;
      this.labels[label] = getAddress(address);
      return { label, address: getAddress(address), via };
    });
  }

  check(step, result, expect) {
    const want = expect === 'success';
    if (result.success !== want) {
      throw new Failure(`${this.group}@${jobTag(this.job)} step ${this.steps.length} (${step.note ?? step.op}): expected ${expect}, got ${result.success ? 'success' : `${result.error} ${result.returns}`}`);
    }
  }

  // Deploys `contract` from the deployer with constructor `args`; `libs` maps label -> library label.
  async deploy(label, contract, args = [], { libs = {}, expect = 'success', note } = {}) {
    const e = this.entry(contract);
    const iface = new Interface(e.abi);
    const linkAddresses = {};
    const linkLabels = {};
    for (const file of Object.keys(e.linkReferences)) {
      for (const lib of Object.keys(e.linkReferences[file])) {
        const libLabel = libs[lib];
        if (!libLabel) throw new Error(`${contract}: link ${lib}?`);
        linkAddresses[`${file}:${lib}`] = this.labels[libLabel];
        linkLabels[`${file}:${lib}`] = libLabel;
      }
    }
    const encodedArgs = iface.encodeDeploy(args);
    const initcode = link(e.creation, e.linkReferences, linkAddresses) + encodedArgs.slice(2);
    const nonce = await this.world.nonce(DEPLOYER);
    if (nonce !== this.deployNonce) throw new Error(`deployer nonce ${nonce}, expected ${this.deployNonce}`);
    const expected = getCreateAddress({ from: DEPLOYER, nonce });
    const result = await this.world.run(DEPLOYER, null, initcode, true);
    this.deployNonce += 1;
    const step = {
      op: 'deploy', label, entry: e.name, from: DEPLOYER, nonce, address: expected,
      args: encodedArgs, link: linkLabels, value: '0x0', expect,
    };
    if (note) step.note = note;
    this.check(step, result, expect);
    if (result.success) {
      if (result.createdAddress.toLowerCase() !== expected.toLowerCase()) throw new Error('create address');
      this.labels[label] = expected;
      this.ifaces[expected.toLowerCase()] = iface;
      await this.checkRuntime(e, expected, linkAddresses);
      this.registerCreated(result.created.filter((c) => c.address.toLowerCase() !== expected.toLowerCase()), step);
      step.logs = result.logs;
    } else {
      step.error = result.error;
      step.returns = result.returns;
      step.created = [];
      step.logs = [];
    }
    this.steps.push(step);
    return expected;
  }

  // The deployed code equals the entry's runtime (linked), except at immutables and the library
  // self-address slot.
  async checkRuntime(e, address, linkAddresses) {
    const deployed = (await this.world.code(address)).slice(2);
    let want = link(e.runtime, e.deployedLinkReferences, linkAddresses).slice(2);
    if (deployed.length !== want.length) throw new Error(`${e.name}: runtime length differs`);
    const mask = [];
    for (const refs of Object.values(e.immutableReferences)) for (const r of refs) mask.push([r.start, r.length]);
    if (want.startsWith('73' + '00'.repeat(20))) mask.push([1, 20]);
    let d = deployed;
    for (const [s, l] of mask) {
      d = d.slice(0, s * 2) + '00'.repeat(l) + d.slice((s + l) * 2);
      want = want.slice(0, s * 2) + '00'.repeat(l) + want.slice((s + l) * 2);
    }
    if (d !== want) throw new Error(`${e.name}: deployed runtime differs from the entry's runtime`);
  }

  iface(to, contract) {
    if (contract) return new Interface(this.entry(contract).abi);
    const i = this.ifaces[this.labels[to].toLowerCase()];
    if (!i) throw new Error(`no interface for ${to}`);
    return i;
  }

  // Calls `fn(args)` on `to` (a label) from `from`. Options: expect, contract (ABI to use for a
  // created child), data (raw call data instead of fn/args), check(decoded, result), note,
  // dependsOnInitcode.
  async call(from, to, fn, args = [], opts = {}) {
    const expect = opts.expect ?? 'success';
    const toAddress = this.labels[to];
    if (!toAddress) throw new Error(`unknown target ${to}`);
    let data;
    let iface;
    if (opts.data !== undefined) {
      data = opts.data;
    } else {
      iface = this.iface(to, opts.contract);
      data = iface.encodeFunctionData(fn, args);
    }
    const result = await this.world.run(from, toAddress, data, false);
    const step = {
      op: 'call', from, to, toAddress, data, value: '0x0', expect,
      function: opts.data !== undefined ? (fn ?? 'raw') : iface.getFunction(fn).format('sighash'),
    };
    const refs = this.refs(data);
    if (refs.length) step.refs = refs;
    if (opts.note) step.note = opts.note;
    if (opts.dependsOnInitcode) step.dependsOnInitcode = true;
    this.check(step, result, expect);
    step.returns = result.returns;
    if (!result.success) step.error = result.error;
    step.logs = result.logs;
    this.registerCreated(result.created, step);
    let decoded;
    if (result.success && iface && result.returns !== '0x') decoded = iface.decodeFunctionResult(fn, result.returns);
    if (opts.check) {
      try {
        opts.check(decoded, result, step);
      } catch (err) {
        throw new Failure(`${this.group}@${jobTag(this.job)} step ${this.steps.length} ${step.function}: check failed: ${err.message}`);
      }
    }
    this.steps.push(step);
    return decoded;
  }
}

function eq(a, b, what = 'value') {
  const norm = (x) => (typeof x === 'bigint' ? x.toString() : typeof x === 'string' ? x.toLowerCase() : JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  if (norm(a) !== norm(b)) throw new Error(`${what}: got ${norm(a)}, want ${norm(b)}`);
}

const errorString = (s) => '0x08c379a0' + coder.encode(['string'], [s]).slice(2);
const panic = (code) => '0x4e487b71' + coder.encode(['uint256'], [code]).slice(2);
const customError = (sig, types, values) => sigHash(sig).slice(0, 10) + coder.encode(types, values).slice(2);

function revertsWith(data) {
  return (_, r) => eq(r.returns, data, 'revert data');
}
// Before 0.8, assert() and out-of-bounds access end in INVALID (all gas, no data); 0.8 reverts with Panic.
function assertLike(version, code) {
  return (_, r) => {
    if (atLeast(version, '0.8.0')) eq(r.returns, panic(code), 'panic');
    else eq(r.error, 'invalid opcode', 'halt');
  };
}

const bytesOf = (n, f) => '0x' + Array.from({ length: n }, (_, i) => f(i).toString(16).padStart(2, '0')).join('');
const E18 = 10n ** 18n;

// ---------------------------------------------------------------------------------------------
// Scenario scripts. Each runs once per compile job whose entries it needs.

const SCENARIOS = [];
const scenario = (group, needs, fn) => SCENARIOS.push({ group, needs, fn });

scenario('Plain', ['Plain'], async (s) => {
  const v = s.version;
  await s.deploy('self', 'Plain');
  await s.call(ALICE, 'self', 'counter', [], { check: (d) => eq(d[0], 1n) });
  await s.call(ALICE, 'self', 'increment', [41n], { check: (d) => eq(d[0], 42n) });
  await s.call(ALICE, 'self', 'deposit', [100n]);
  await s.call(BOB, 'self', 'deposit', [50n]);
  await s.call(ALICE, 'self', 'withdraw', [30n]);
  await s.call(ALICE, 'self', 'withdraw', [1000n], { expect: 'revert', check: revertsWith(errorString('Plain: insufficient balance')) });
  await s.call(ALICE, 'self', 'balances', [ALICE], { check: (d) => eq(d[0], 70n) });
  await s.call(BOB, 'self', 'lastSender', [], { check: (d) => eq(d[0], BOB) });
  await s.call(ALICE, 'self', 'setGrid', [1n, 2n, 3n]);
  await s.call(ALICE, 'self', 'grid', [1n, 2n], { check: (d) => eq(d[0], 3n) });
  await s.call(ALICE, 'self', 'pushAll', [[1n, 2n, 3n, 4n, 5n]], { check: (d) => eq(d[0], 15n) });
  await s.call(ALICE, 'self', 'getList', [], { check: (d) => eq(d[0].length, 5) });
  await s.call(ALICE, 'self', 'popList', [], { check: (d) => eq(d[0], 5n) });
  await s.call(ALICE, 'self', 'listLength', [], { check: (d) => eq(d[0], 4n) });
  await s.call(ALICE, 'self', 'list', [10n], { expect: 'revert', note: 'out-of-bounds array getter (INVALID, empty REVERT or Panic by version)' });
  await s.call(ALICE, 'self', 'sum', [[10n, 20n, 30n]], { check: (d) => eq(d[0], 60n) });
  await s.call(ALICE, 'self', 'fib', [90n], { check: (d) => eq(d[0], 2880067194370816120n) });
  await s.call(ALICE, 'self', 'hashChain', ['0x' + '5b'.repeat(32), 25n]);
  const blob = bytesOf(100, (i) => (i * 37 + 0x5b) & 0xff);
  await s.call(ALICE, 'self', 'echo', [blob], { check: (d) => eq(d[0], blob) });
  await s.call(ALICE, 'self', 'echo', ['0x'], { check: (d) => eq(d[0], '0x') });
  await s.call(ALICE, 'self', 'concat', ['ab', '0x5b00ff', 'cd'], { check: (d) => eq(d[0], '0x61625b00ff6364') });
  const rev = bytesOf(70, (i) => i);
  await s.call(ALICE, 'self', 'reverseBytes', [rev], { check: (d) => eq(d[0], bytesOf(70, (i) => 69 - i)) });
  await s.call(ALICE, 'self', 'setBlob', [bytesOf(80, (i) => 255 - i)]);
  await s.call(BOB, 'self', 'blob', [], { check: (d) => eq(d[0], bytesOf(80, (i) => 255 - i)) });
  await s.call(ALICE, 'self', 'setLabel', ['a label that is longer than thirty-one bytes, stored in several slots']);
  await s.call(BOB, 'self', 'label', [], { check: (d) => eq(d[0], 'a label that is longer than thirty-one bytes, stored in several slots') });
  await s.call(ALICE, 'self', 'ping', [], { check: (_, r) => eq(r.logs[0].topics.length, 0) });
  await s.call(CAROL, 'self', 'whoami', [], {
    check: (d) => {
      eq(d[0], s.labels.self);
      eq(d[1], CAROL);
      eq(d[2], BigInt(CONTEXT.timestamp));
      eq(d[3], BigInt(CONTEXT.number));
    },
  });
  await s.call(ALICE, 'self', 'clear', [1n, 2n]);
  await s.call(ALICE, 'self', 'grid', [1n, 2n], { check: (d) => eq(d[0], 0n) });
  await s.call(ALICE, 'self', 'fail', [0n]);
  await s.call(ALICE, 'self', 'fail', [1n], { expect: 'revert', check: revertsWith(errorString('Plain: failure one')) });
  await s.call(ALICE, 'self', 'fail', [2n], { expect: 'revert', check: revertsWith('0x') });
  await s.call(ALICE, 'self', 'fail', [3n], { expect: 'revert', check: revertsWith(errorString('Plain: nonzero code')) });
  await s.call(ALICE, 'self', 'assertion', [3n], { check: (d) => eq(d[0], 3n) });
  await s.call(ALICE, 'self', 'assertion', [7n], { expect: 'revert', check: assertLike(v, 0x01) });
  await s.call(ALICE, 'self', null, [], { data: '0xdeadbeef', expect: 'revert', note: 'unknown selector, no fallback' });
  await s.call(ALICE, 'self', null, [], { data: '0x', expect: 'revert', note: 'empty call data, no fallback' });
  await s.call(ALICE, 'self', 'withdraw', [], { data: sigHash('withdraw(uint256)').slice(0, 10) + '00', expect: 'revert', note: 'short call data' });
});

scenario('Env', ['Env'], async (s) => {
  await s.deploy('self', 'Env');
  await s.call(ALICE, 'self', 'sender', [], { check: (d) => eq(d[0], DEPLOYER) });
  await s.call(ALICE, 'self', 'chain', [], { check: (d) => eq(d[0], 10n) });
  await s.call(ALICE, 'self', 'record', [], { check: (d) => eq(d[0], 10n) });
  await s.call(BOB, 'self', 'snapshot', [], {
    check: (d) => {
      eq(d[0], s.labels.self);
      eq(d[1], BOB);
      eq(d[2], BigInt(CONTEXT.timestamp));
      eq(d[3], BigInt(CONTEXT.number));
      eq(d[4], 10n);
    },
  });
  await s.call(BOB, 'self', 'sender', [], { check: (d) => eq(d[0], ALICE) });
  await s.call(BOB, 'self', 'timestamp', [], { check: (d) => eq(d[0], BigInt(CONTEXT.timestamp)) });
  await s.call(BOB, 'self', 'number', [], { check: (d) => eq(d[0], BigInt(CONTEXT.number)) });
  await s.call(BOB, 'self', 'self', [], { check: (d) => eq(d[0], s.labels.self) });
});

scenario('Caller', ['Callee', 'Caller'], async (s) => {
  const calleeIface = new Interface(s.entry('Callee').abi);
  await s.deploy('callee', 'Callee');
  await s.deploy('caller', 'Caller', [s.labels.callee]);
  await s.call(ALICE, 'caller', 'callee', [], { check: (d) => eq(d[0], s.labels.callee) });
  await s.call(ALICE, 'caller', 'readVia', [], { check: (d) => eq(d[0], 0n) });
  await s.call(ALICE, 'caller', 'setVia', [7n], { check: (d) => eq(d[0], 0n) });
  await s.call(ALICE, 'callee', 'get', [], { check: (d) => eq(d[0], 7n) });
  await s.call(ALICE, 'callee', 'lastCaller', [], { check: (d) => eq(d[0], s.labels.caller) });
  await s.call(BOB, 'caller', 'readVia', [], { check: (d) => eq(d[0], 7n) });
  await s.call(ALICE, 'caller', 'failVia', ['a reason from the callee, longer than one word'], {
    expect: 'revert', check: revertsWith(errorString('a reason from the callee, longer than one word')),
  });
  await s.call(ALICE, 'caller', 'lastValue', [], { check: (d) => eq(d[0], 7n), note: 'the reverted call left no trace' });
  await s.call(ALICE, 'caller', 'failEmptyVia', [], { expect: 'revert', check: revertsWith('0x') });
  await s.call(ALICE, 'caller', 'bigVia', [1000n], {
    check: (d) => {
      eq(d[0], 1000n);
      eq(d[1], keccak256(bytesOf(1000, (i) => i % 251)));
    },
  });
  await s.call(ALICE, 'caller', 'rawCall', [calleeIface.encodeFunctionData('set', [9n])], {
    check: (d) => {
      eq(d[0], true);
      eq(d[1], coder.encode(['uint256'], [7n]));
    },
  });
  await s.call(ALICE, 'caller', 'lastData', [], { check: (d) => eq(d[0], coder.encode(['uint256'], [7n])) });
  await s.call(ALICE, 'caller', 'rawCall', [calleeIface.encodeFunctionData('fail', ['raw'])], {
    check: (d) => {
      eq(d[0], false);
      eq(d[1], errorString('raw'));
    },
  });
  await s.call(ALICE, 'caller', 'rawCall', ['0x12345678'], { check: (d) => { eq(d[0], false); eq(d[1], '0x'); } });
  await s.call(ALICE, 'caller', 'rawStatic', [calleeIface.encodeFunctionData('get')], {
    check: (d) => { eq(d[0], true); eq(d[1], coder.encode(['uint256'], [9n])); },
  });
  await s.call(ALICE, 'caller', 'rawStatic', [calleeIface.encodeFunctionData('set', [1n])], {
    note: 'a write inside STATICCALL fails the inner call only', check: (d) => { eq(d[0], false); eq(d[1], '0x'); },
  });
  await s.call(ALICE, 'caller', 'rawCallTo', [EOA, '0x1234'], { check: (d) => { eq(d[0], true); eq(d[1], '0x'); eq(d[2], 0n); } });
  await s.call(ALICE, 'caller', 'rawCallTo', [s.labels.callee, calleeIface.encodeFunctionData('big', [40n])], {
    check: (d) => { eq(d[0], true); eq(d[2], 128n); },
  });
  await s.call(ALICE, 'caller', 'getFrom', [EOA], { expect: 'revert', note: 'high-level call to an address without code' });
  await s.call(ALICE, 'caller', 'getFrom', [s.labels.callee], { check: (d) => eq(d[0], 9n) });
  await s.call(BOB, 'callee', 'set', [5n], { check: (d) => eq(d[0], 9n) });
  await s.call(BOB, 'callee', 'lastCaller', [], { check: (d) => eq(d[0], BOB) });
});

scenario('CtorArgs', ['CtorArgs'], async (s) => {
  const text = 'a constructor string that is longer than thirty-two bytes';
  const data = bytesOf(70, (i) => (i % 3 === 0 ? 0x5b : i));
  const tag = keccak256(toUtf8Bytes('tag'));
  await s.deploy('self', 'CtorArgs', [12345n, CAROL, text, data, true, -42n, tag, [1n, 2n, 3n, 4n]]);
  await s.call(ALICE, 'self', 'number', [], { check: (d) => eq(d[0], 12345n) });
  await s.call(ALICE, 'self', 'account', [], { check: (d) => eq(d[0], CAROL) });
  await s.call(ALICE, 'self', 'text', [], { check: (d) => eq(d[0], text) });
  await s.call(ALICE, 'self', 'data', [], { check: (d) => eq(d[0], data) });
  await s.call(ALICE, 'self', 'flag', [], { check: (d) => eq(d[0], true) });
  await s.call(ALICE, 'self', 'signed', [], { check: (d) => eq(d[0], -42n) });
  await s.call(ALICE, 'self', 'tag', [], { check: (d) => eq(d[0], tag) });
  await s.call(ALICE, 'self', 'nums', [2n], { check: (d) => eq(d[0], 3n) });
  await s.call(ALICE, 'self', 'numsLength', [], { check: (d) => eq(d[0], 4n) });
  await s.call(ALICE, 'self', 'summary', [], { check: (d) => { eq(d[0], 12345n); eq(d[5], 10n); } });
  await s.call(ALICE, 'self', 'strings', [], { check: (d) => { eq(d[0], text); eq(d[1], data); } });
  await s.deploy('zero', 'CtorArgs', [0n, BOB, '', '0x', false, 0n, tag, []], {
    expect: 'revert', note: 'constructor reverts with a reason: no contract, the deployer nonce still increments',
  });
  await s.deploy('second', 'CtorArgs', [1n, BOB, 'short', '0x5b', false, 7n, '0x' + '00'.repeat(32), []]);
  await s.call(BOB, 'second', 'summary', [], { check: (d) => { eq(d[0], 1n); eq(d[1], BOB); eq(d[3], 7n); eq(d[5], 0n); } });
  await s.call(BOB, 'second', 'nums', [0n], { expect: 'revert', note: 'out-of-bounds array getter' });
});

scenario('Immutables', ['Immutables'], async (s) => {
  const tag = keccak256(toUtf8Bytes('immutable'));
  await s.deploy('self', 'Immutables', [777n, tag]);
  await s.call(ALICE, 'self', 'number', [], { check: (d) => eq(d[0], 777n) });
  await s.call(ALICE, 'self', 'owner', [], { check: (d) => eq(d[0], DEPLOYER) });
  await s.call(ALICE, 'self', 'tag', [], { check: (d) => eq(d[0], tag) });
  await s.call(ALICE, 'self', 'createdAt', [], { check: (d) => eq(d[0], BigInt(CONTEXT.number)) });
  await s.call(ALICE, 'self', 'twiceNumber', [], { check: (d) => eq(d[0], 1554n) });
  await s.call(ALICE, 'self', 'sumWith', [1n], { check: (d) => eq(d[0], 2332n) });
  await s.call(ALICE, 'self', 'isSelf', [], { check: (d) => eq(d[0], true) });
  await s.call(ALICE, 'self', 'check', [777n], { check: (d) => eq(d[0], true) });
  await s.call(ALICE, 'self', 'check', [1n], { expect: 'revert', check: revertsWith(errorString('Immutables: wrong number')) });
});

scenario('LibUser', ['SetLib', 'LibUser'], async (s) => {
  await s.deploy('library', 'SetLib');
  await s.deploy('self', 'LibUser', [], { libs: { SetLib: 'library' } });
  const added = sigHash('Added(uint256,uint256)');
  await s.call(ALICE, 'self', 'add', [5n], {
    check: (d, r) => { eq(d[0], true); eq(r.logs[0].address, s.labels.self); eq(r.logs[0].topics[0], added); },
    note: 'DELEGATECALL into the library; its event is logged by the caller',
  });
  await s.call(ALICE, 'self', 'add', [5n], { check: (d) => eq(d[0], false) });
  await s.call(BOB, 'self', 'add', [9n], { check: (d) => eq(d[0], true) });
  await s.call(BOB, 'self', 'size', [], { check: (d) => eq(d[0], 2n) });
  await s.call(BOB, 'self', 'contains', [9n], { check: (d) => eq(d[0], true) });
  await s.call(BOB, 'self', 'sumSquares', [[1n, 2n, 3n]], { check: (d) => eq(d[0], 14n) });
  await s.call(BOB, 'self', 'check', [3n], { check: (d) => eq(d[0], 3n) });
  await s.call(BOB, 'self', 'check', [0n], { expect: 'revert', check: revertsWith(errorString('SetLib: zero')) });
  await s.call(CAROL, 'library', 'sum', [[4n, 5n]], { check: (d) => eq(d[0], 9n), note: 'a pure library function called directly' });
  await s.call(CAROL, 'library', 'mustBePositive', [0n], { expect: 'revert', check: revertsWith(errorString('SetLib: zero')) });
  await s.call(CAROL, 'library', 'add(SetLib.Set storage,uint256)', [], {
    data: sigHash('add(SetLib.Set storage,uint256)').slice(0, 10) + coder.encode(['uint256', 'uint256'], [0n, 1n]).slice(2),
    expect: 'revert',
    note: "a state-changing library function called directly: the library's call protection (ADDRESS against the address its constructor wrote into the code) reverts",
  });
});

scenario('Factory', ['Factory', 'Child'], async (s) => {
  const child = 'Child';
  const salt1 = keccak256(toUtf8Bytes('salt one'));
  const salt2 = keccak256(toUtf8Bytes('salt two'));
  await s.deploy('self', 'Factory');
  await s.call(ALICE, 'self', 'deploy', [1n], {
    note: 'CREATE: child at the factory nonce 1',
    check: (d) => eq(d[0], getCreateAddress({ from: s.labels.self, nonce: 1 })),
  });
  await s.call(ALICE, 'self', 'deploy2', [2n, salt1], { note: 'CREATE2 of type(Child).creationCode ++ abi.encode(2)', dependsOnInitcode: true });
  await s.call(ALICE, 'self', 'predict', [2n, salt1], { dependsOnInitcode: true, check: (d) => eq(d[0], s.labels['created:1']) });
  await s.call(ALICE, 'self', 'deploy2', [2n, salt1], { expect: 'revert', note: 'CREATE2 collision', check: revertsWith(errorString('Factory: create2 failed')) });
  await s.call(ALICE, 'self', 'deploy', [13n], { expect: 'revert', note: 'child constructor reverts; the factory reverts too, undoing its nonce increment' });
  await s.call(ALICE, 'self', 'deploy2', [13n, salt2], { expect: 'revert', check: revertsWith(errorString('Factory: create2 failed')) });
  await s.call(ALICE, 'self', 'count', [], { check: (d) => eq(d[0], 2n) });
  await s.call(ALICE, 'self', 'children', [0n], { check: (d) => eq(d[0], s.labels['created:0']) });
  await s.call(ALICE, 'self', 'childInitcodeLength', [], { dependsOnInitcode: true, check: (d) => eq(d[0], BigInt((s.entry(child).creation.length - 2) / 2)) });
  await s.call(ALICE, 'self', 'setChild', [0n, 42n]);
  await s.call(ALICE, 'created:0', 'value', [], { contract: child, check: (d) => eq(d[0], 42n) });
  await s.call(ALICE, 'created:0', 'whoAmI', [], { contract: child, check: (d) => { eq(d[0], s.labels['created:0']); eq(d[1], s.labels.self); } });
  await s.call(ALICE, 'created:1', 'value', [], { contract: child, check: (d) => eq(d[0], 2n) });
  await s.call(ALICE, 'created:1', 'setValue', [5n], { contract: child, expect: 'revert', check: revertsWith(errorString('Child: not factory')) });
  await s.call(ALICE, 'self', 'deploy', [3n], {
    note: 'CREATE at nonce 3: CREATE and CREATE2 used nonces 1 and 2, the reverted transactions left no trace',
    check: (d) => eq(d[0], getCreateAddress({ from: s.labels.self, nonce: 3 })),
  });
});

scenario('SaltedFactory', ['SaltedFactory', 'Child'], async (s) => {
  const salt = keccak256(toUtf8Bytes('new with salt'));
  await s.deploy('self', 'SaltedFactory');
  await s.call(ALICE, 'self', 'make', [5n, salt], { dependsOnInitcode: true, note: 'new Child{salt: s}(5)' });
  await s.call(ALICE, 'self', 'lastValue', [], { check: (d) => eq(d[0], 5n) });
  await s.call(ALICE, 'self', 'make', [5n, salt], { expect: 'revert', note: 'CREATE2 collision' });
  await s.call(ALICE, 'self', 'make', [13n, keccak256(toUtf8Bytes('other'))], { expect: 'revert', note: 'child constructor reverts' });
  await s.call(ALICE, 'self', 'makePlain', [6n], {
    note: 'CREATE at nonce 2: the CREATE2 used nonce 1, the reverted transactions left no trace',
    check: (d) => eq(d[0], getCreateAddress({ from: s.labels.self, nonce: 2 })),
  });
  await s.call(ALICE, 'created:1', 'factory', [], { contract: 'Child', check: (d) => eq(d[0], s.labels.self) });
});

scenario('TryCatch', ['Catcher', 'Thrower', 'Child'], async (s) => {
  await s.deploy('self', 'Catcher');
  await s.call(ALICE, 'self', 'thrower', [], {
    note: 'the thrower was created by the constructor (created:0)',
    check: (d) => { eq(d[0], s.labels['created:0']); eq(d[0], getCreateAddress({ from: s.labels.self, nonce: 1 })); },
  });
  await s.call(ALICE, 'self', 'tryOk', [1n], { check: (d) => eq(d[0], 2n) });
  await s.call(ALICE, 'self', 'tryReason', ['caught me'], { check: (d) => eq(d[0], 'caught me') });
  await s.call(ALICE, 'self', 'tryEmpty', [], { check: (d) => eq(d[0], 0n) });
  await s.call(ALICE, 'self', 'tryOutOfBounds', [1n], { check: (d) => eq(d[0], true) });
  await s.call(ALICE, 'self', 'tryOutOfBounds', [5n], {
    note: 'before 0.8 INVALID burns the 1,000,000 gas given to the call; 0.8 reverts with Panic(0x32)',
    check: (d) => { eq(d[0], false); eq(d[1], atLeast(s.version, '0.8.0') ? panic(0x32) : '0x'); },
  });
  await s.call(ALICE, 'self', 'tryNew', [1n], { check: (d) => { eq(d[0], getCreateAddress({ from: s.labels.self, nonce: 2 })); eq(d[1], ''); } });
  await s.call(ALICE, 'self', 'tryNew', [13n], { check: (d) => { eq(d[0], ZERO); eq(d[1], 'Child: unlucky'); } });
  await s.call(ALICE, 'self', 'tryNew', [2n], {
    note: 'nonce 4: the caught failed creation (nonce 3) still counted',
    check: (d) => eq(d[0], getCreateAddress({ from: s.labels.self, nonce: 4 })),
  });
  await s.call(ALICE, 'self', 'caught', [], { check: (d) => eq(d[0], 4n) });
  await s.call(ALICE, 'self', 'lastReason', [], { check: (d) => eq(d[0], 'caught me') });
  await s.call(ALICE, 'self', 'lastChild', [], { check: (d) => eq(d[0], s.labels['created:2']) });
  await s.call(ALICE, 'created:0', 'calls', [], { contract: 'Thrower', check: (d) => eq(d[0], 1n) });
  await s.call(ALICE, 'created:0', 'reason', ['direct'], { contract: 'Thrower', expect: 'revert', check: revertsWith(errorString('direct')) });
});

scenario('CustomErrors', ['VaultUser', 'Vault'], async (s) => {
  await s.deploy('self', 'VaultUser');
  const V = 'Vault';
  await s.call(ALICE, 'self', 'vault', [], { check: (d) => eq(d[0], s.labels['created:0']) });
  await s.call(ALICE, 'self', 'isAdmin', [], { check: (d) => eq(d[0], true) });
  await s.call(ALICE, 'created:0', 'admin', [], { contract: V, check: (d) => eq(d[0], s.labels.self) });
  await s.call(ALICE, 'created:0', 'adminOnly', [], { contract: V, expect: 'revert', check: revertsWith(customError('Unauthorized(address)', ['address'], [ALICE])) });
  await s.call(ALICE, 'created:0', 'deposit', [100n], { contract: V });
  await s.call(ALICE, 'created:0', 'withdraw', [30n], { contract: V, check: (d) => eq(d[0], 70n) });
  await s.call(ALICE, 'created:0', 'withdraw', [100n], { contract: V, expect: 'revert', check: revertsWith(customError('InsufficientBalance(uint256,uint256)', ['uint256', 'uint256'], [70n, 100n])) });
  await s.call(ALICE, 'created:0', 'empty', [], { contract: V, expect: 'revert', check: revertsWith(sigHash('Empty()').slice(0, 10)) });
  await s.call(ALICE, 'created:0', 'add', [2n ** 256n - 1n, 1n], { contract: V, expect: 'revert', check: revertsWith(panic(0x11)) });
  await s.call(ALICE, 'created:0', 'divide', [1n, 0n], { contract: V, expect: 'revert', check: revertsWith(panic(0x12)) });
  await s.call(ALICE, 'created:0', 'assertion', [7n], { contract: V, expect: 'revert', check: revertsWith(panic(0x01)) });
  await s.call(ALICE, 'created:0', 'reason', [11n], { contract: V, expect: 'revert', check: revertsWith(errorString('Vault: too large')) });
  await s.call(ALICE, 'created:0', 'reason', [3n], { contract: V, check: (d) => eq(d[0], 3n) });
  await s.call(BOB, 'self', 'tryWithdraw', [5n], {
    check: (d) => { eq(d[0], false); eq(d[1], customError('InsufficientBalance(uint256,uint256)', ['uint256', 'uint256'], [0n, 5n])); },
  });
  await s.call(BOB, 'self', 'lastSelector', [], { check: (d) => eq(d[0], sigHash('InsufficientBalance(uint256,uint256)').slice(0, 10)) });
  await s.call(BOB, 'self', 'tryDivide', [10n, 3n], { check: (d) => eq(d[0], 3n) });
  await s.call(BOB, 'self', 'tryDivide', [10n, 0n], { check: (d) => eq(d[0], 2n ** 256n - 1n - 0x12n) });
  await s.call(BOB, 'self', 'lastPanic', [], { check: (d) => eq(d[0], 0x12n) });
  await s.call(BOB, 'self', 'bubble', [], { expect: 'revert', check: revertsWith(sigHash('Empty()').slice(0, 10)) });
});

scenario('CodeReader', ['CodeReader'], async (s) => {
  const e = s.entry('CodeReader');
  const runtime = e.runtime;
  const size = BigInt((runtime.length - 2) / 2);
  await s.deploy('self', 'CodeReader');
  await s.call(ALICE, 'self', 'selfCode', [], {
    note: 'CODESIZE and CODECOPY of the whole runtime: the original bytes', check: (d) => { eq(d[0], size); eq(d[1], keccak256(runtime)); },
  });
  await s.call(ALICE, 'self', 'codeSlice', [0n, 40n], { check: (d) => eq(d[0], '0x' + runtime.slice(2, 82)) });
  await s.call(ALICE, 'self', 'codeSlice', [size - 10n, 40n], {
    note: 'past the end of the code reads zeros', check: (d) => eq(d[0], '0x' + runtime.slice(-20) + '00'.repeat(30)),
  });
  await s.call(ALICE, 'self', 'codeSlice', [size + 1000n, 33n], { check: (d) => eq(d[0], '0x' + '00'.repeat(33)) });
  await s.call(ALICE, 'self', 'constants', [], { check: (d) => { eq(d[0], '0x' + '5b'.repeat(32)); eq(d[2], '0x5b5b00565b6000f35b5b'); } });
  await s.call(ALICE, 'self', 'MARKS', [], { check: (d) => eq(d[0], '0x' + '5b'.repeat(32)) });
  await s.call(ALICE, 'self', 'initcodeSize', [], { note: 'CODESIZE in the constructor: the creation code', check: (d) => eq(d[0], BigInt((e.creation.length - 2) / 2)) });
  await s.call(ALICE, 'self', 'immutableLike', []);
});

scenario('OzToken', ['OzToken'], async (s) => {
  const oz = s.job.compiler.ozVersion;
  const supply = 10n ** 24n;
  await s.deploy('self', 'OzToken', ['Corpus Token', 'CTK', ALICE, supply]);
  const ozErr = (sig, types, values, reason) => (oz === '5.0.2' ? revertsWith(customError(sig, types, values)) : revertsWith(errorString(reason)));
  await s.call(BOB, 'self', 'name', [], { check: (d) => eq(d[0], 'Corpus Token') });
  await s.call(BOB, 'self', 'symbol', [], { check: (d) => eq(d[0], 'CTK') });
  await s.call(BOB, 'self', 'decimals', [], { check: (d) => eq(d[0], 18n) });
  await s.call(BOB, 'self', 'totalSupply', [], { check: (d) => eq(d[0], supply) });
  await s.call(BOB, 'self', 'balanceOf', [ALICE], { check: (d) => eq(d[0], supply) });
  await s.call(ALICE, 'self', 'transfer', [BOB, 1000n], { check: (d, r) => { eq(d[0], true); eq(r.logs.length, 1); } });
  await s.call(ALICE, 'self', 'approve', [CAROL, 500n], { check: (d) => eq(d[0], true) });
  await s.call(CAROL, 'self', 'allowance', [ALICE, CAROL], { check: (d) => eq(d[0], 500n) });
  await s.call(CAROL, 'self', 'transferFrom', [ALICE, EOA, 200n], { check: (d) => eq(d[0], true) });
  await s.call(CAROL, 'self', 'allowance', [ALICE, CAROL], { check: (d) => eq(d[0], 300n) });
  await s.call(CAROL, 'self', 'transferFrom', [ALICE, EOA, 301n], {
    expect: 'revert',
    check: ozErr('ERC20InsufficientAllowance(address,uint256,uint256)', ['address', 'uint256', 'uint256'], [CAROL, 300n, 301n],
      oz === '2.5.1' || oz === '3.4.2' ? 'ERC20: transfer amount exceeds allowance' : 'ERC20: insufficient allowance'),
  });
  await s.call(BOB, 'self', 'transfer', [CAROL, 1001n], {
    expect: 'revert',
    check: ozErr('ERC20InsufficientBalance(address,uint256,uint256)', ['address', 'uint256', 'uint256'], [BOB, 1000n, 1001n], 'ERC20: transfer amount exceeds balance'),
  });
  await s.call(BOB, 'self', 'transfer', [ZERO, 1n], {
    expect: 'revert',
    check: ozErr('ERC20InvalidReceiver(address)', ['address'], [ZERO], 'ERC20: transfer to the zero address'),
  });
  await s.call(BOB, 'self', 'transfer', [CAROL, 1000n]);
  await s.call(BOB, 'self', 'balanceOf', [CAROL], { check: (d) => eq(d[0], 1000n) });
  await s.call(BOB, 'self', 'balanceOf', [EOA], { check: (d) => eq(d[0], 200n) });
  await s.call(BOB, 'self', 'balanceOf', [ALICE], { check: (d) => eq(d[0], supply - 1200n) });
});

scenario('OzNFT', ['OzNFT', 'NFTHolder', 'NFTRejecter'], async (s) => {
  const oz = s.job.compiler.ozVersion;
  const v5 = oz === '5.0.2';
  await s.deploy('self', 'OzNFT', ['Corpus NFT', 'CNFT']);
  await s.deploy('holder', 'NFTHolder');
  await s.deploy('rejecter', 'NFTRejecter');
  await s.call(BOB, 'self', 'name', [], { check: (d) => eq(d[0], 'Corpus NFT') });
  await s.call(BOB, 'self', 'supportsInterface', ['0x80ac58cd'], { check: (d) => eq(d[0], true) });
  await s.call(BOB, 'self', 'supportsInterface', ['0xffffffff'], { check: (d) => eq(d[0], false) });
  await s.call(ALICE, 'self', 'mint', [ALICE, 1n]);
  await s.call(ALICE, 'self', 'mint', [ALICE, 2n]);
  await s.call(ALICE, 'self', 'mint', [ALICE, 1n], {
    expect: 'revert',
    check: v5 ? revertsWith(customError('ERC721InvalidSender(address)', ['address'], [ZERO])) : revertsWith(errorString('ERC721: token already minted')),
  });
  await s.call(ALICE, 'self', 'safeMint', [s.labels.holder, 3n], { note: 'onERC721Received on a contract', check: (_, r) => eq(r.logs.length, 2) });
  await s.call(ALICE, 'self', 'safeMint', [EOA, 4n], { note: 'safe mint to an address without code' });
  await s.call(ALICE, 'self', 'safeMint', [s.labels.rejecter, 5n], { expect: 'revert', note: 'receiver answers the wrong magic value' });
  await s.call(BOB, 'self', 'balanceOf', [ALICE], { check: (d) => eq(d[0], 2n) });
  await s.call(BOB, 'self', 'ownerOf', [3n], { check: (d) => eq(d[0], s.labels.holder) });
  await s.call(BOB, 'self', 'ownerOf', [5n], { expect: 'revert' });
  await s.call(BOB, 'self', 'tokenURI', [1n], { check: (d) => eq(d[0], oz === '2.5.1' ? '' : 'https://example.invalid/nft/1') });
  await s.call(ALICE, 'self', 'approve', [BOB, 1n]);
  await s.call(BOB, 'self', 'getApproved', [1n], { check: (d) => eq(d[0], BOB) });
  await s.call(BOB, 'self', 'transferFrom', [ALICE, CAROL, 1n]);
  await s.call(BOB, 'self', 'ownerOf', [1n], { check: (d) => eq(d[0], CAROL) });
  await s.call(BOB, 'self', 'transferFrom', [CAROL, BOB, 1n], { expect: 'revert', note: 'approval was cleared by the transfer' });
  await s.call(ALICE, 'self', 'safeTransferFrom(address,address,uint256)', [ALICE, EOA, 2n], { note: 'safeTransferFrom to an address without code' });
  await s.call(ALICE, 'self', 'mint', [ALICE, 6n]);
  await s.call(ALICE, 'self', 'safeTransferFrom(address,address,uint256,bytes)', [ALICE, s.labels.holder, 6n, '0x68656c6c6f'], {
    note: 'safeTransferFrom with data to a receiver contract',
  });
  await s.call(BOB, 'holder', 'received', [], { check: (d) => eq(d[0], 2n) });
  await s.call(CAROL, 'self', 'safeTransferFrom(address,address,uint256)', [CAROL, s.labels.rejecter, 1n], { expect: 'revert' });
  await s.call(CAROL, 'self', 'setApprovalForAll', [BOB, true]);
  await s.call(CAROL, 'self', 'isApprovedForAll', [CAROL, BOB], { check: (d) => eq(d[0], true) });
  await s.call(BOB, 'self', 'transferFrom', [CAROL, BOB, 1n], { note: 'operator transfer' });
  await s.call(BOB, 'self', 'burn', [1n]);
  await s.call(BOB, 'self', 'balanceOf', [BOB], { check: (d) => eq(d[0], 0n) });
  await s.call(BOB, 'self', 'burn', [2n], { expect: 'revert', check: revertsWith(errorString('OzNFT: not owner')) });
});

scenario('Pair', ['PairFactory', 'Pair', 'SimpleToken'], async (s) => {
  await s.deploy('tokenA', 'SimpleToken', ['Token A']);
  await s.deploy('tokenB', 'SimpleToken', ['Token B']);
  await s.deploy('self', 'PairFactory');
  const { tokenA, tokenB } = s.labels;
  const [t0, t1] = BigInt(tokenA) < BigInt(tokenB) ? ['tokenA', 'tokenB'] : ['tokenB', 'tokenA'];
  await s.call(ALICE, 'tokenA', 'mint', [ALICE, 10n * E18]);
  await s.call(ALICE, 'tokenB', 'mint', [ALICE, 10n * E18]);
  await s.call(ALICE, 'self', 'createPair', [tokenA, tokenB], { dependsOnInitcode: true, note: 'CREATE2 with salt keccak(token0, token1), then initialize' });
  const pair = s.labels['created:0'];
  await s.call(ALICE, 'self', 'getPair', [tokenB, tokenA], { dependsOnInitcode: true, check: (d) => eq(d[0], pair) });
  await s.call(ALICE, 'self', 'allPairsLength', [], { check: (d) => eq(d[0], 1n) });
  await s.call(ALICE, 'self', 'createPair', [tokenB, tokenA], { expect: 'revert', check: revertsWith(errorString('Factory: PAIR_EXISTS')) });
  await s.call(ALICE, 'self', 'createPair', [tokenA, tokenA], { expect: 'revert', check: revertsWith(errorString('Factory: IDENTICAL_ADDRESSES')) });
  await s.call(ALICE, 'self', 'createPair', [tokenA, ZERO], { expect: 'revert', check: revertsWith(errorString('Factory: ZERO_ADDRESS')) });
  const P = { contract: 'Pair' };
  await s.call(ALICE, 'created:0', 'token0', [], { ...P, check: (d) => eq(d[0], s.labels[t0]) });
  await s.call(ALICE, 'created:0', 'initialize', [tokenA, tokenB], { ...P, expect: 'revert', check: revertsWith(errorString('Pair: FORBIDDEN')) });
  const amount0 = 1n * E18;
  const amount1 = 4n * E18;
  await s.call(ALICE, t0, 'transfer', [pair, amount0], { check: (d) => eq(d[0], true) });
  await s.call(ALICE, t1, 'transfer', [pair, amount1]);
  await s.call(ALICE, 'created:0', 'mint', [ALICE], { ...P, check: (d) => eq(d[0], 2n * E18 - 1000n) });
  await s.call(ALICE, 'created:0', 'getReserves', [], { ...P, check: (d) => { eq(d[0], amount0); eq(d[1], amount1); eq(d[2], BigInt(CONTEXT.timestamp)); } });
  await s.call(ALICE, 'created:0', 'mint', [ALICE], { ...P, expect: 'revert', check: revertsWith(errorString('Pair: INSUFFICIENT_LIQUIDITY_MINTED')) });
  const amountIn = E18 / 10n;
  const inWithFee = amountIn * 997n;
  const out = (inWithFee * amount1) / (amount0 * 1000n + inWithFee);
  await s.call(ALICE, t0, 'transfer', [pair, amountIn]);
  await s.call(ALICE, 'created:0', 'swap', [0n, out + 1n, BOB], { ...P, expect: 'revert', check: revertsWith(errorString('Pair: K')) });
  await s.call(ALICE, 'created:0', 'swap', [0n, out, BOB], { ...P, note: 'token transfer out through a low-level call, K check' });
  await s.call(BOB, t1, 'balanceOf', [BOB], { check: (d) => eq(d[0], out) });
  await s.call(ALICE, 'created:0', 'getReserves', [], { ...P, check: (d) => { eq(d[0], amount0 + amountIn); eq(d[1], amount1 - out); } });
  await s.call(ALICE, 'created:0', 'swap', [0n, 0n, BOB], { ...P, expect: 'revert', check: revertsWith(errorString('Pair: INSUFFICIENT_OUTPUT_AMOUNT')) });
  await s.call(ALICE, 'created:0', 'swap', [1n, 0n, s.labels[t0]], { ...P, expect: 'revert', check: revertsWith(errorString('Pair: INVALID_TO')) });
  await s.call(ALICE, 'created:0', 'transfer', [CAROL, E18 / 10n], { ...P });
  await s.call(CAROL, 'created:0', 'balanceOf', [CAROL], { ...P, check: (d) => eq(d[0], E18 / 10n) });
  await s.call(ALICE, t1, 'transfer', [pair, 12345n]);
  await s.call(CAROL, 'created:0', 'sync', [], { ...P });
  await s.call(CAROL, 'created:0', 'getReserves', [], { ...P, check: (d) => eq(d[1], amount1 - out + 12345n) });
  await s.call(CAROL, 'created:0', 'totalSupply', [], { ...P, check: (d) => eq(d[0], 2n * E18) });
});

// ---------------------------------------------------------------------------------------------
// Output

// JSON with indentation down to `depth`, compact below (one step / one entry per line).
function fmt(value, depth, indent = '') {
  if (depth === 0 || value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent + ' ';
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => inner + fmt(v, depth - 1, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (!keys.length) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${fmt(value[k], depth - 1, inner)}`).join(',\n')}\n${indent}}`;
}

async function main() {
  const corpus = [];
  const scenarios = [];
  for (const job of JOBS) {
    const t0 = Date.now();
    const entries = compile(job);
    console.error(`compiled ${jobTag(job)}: ${entries.length} contracts in ${Date.now() - t0} ms`);
    for (const e of entries) checkOpcodes(e);
    corpus.push(...entries);
    const byContract = Object.fromEntries(entries.map((e) => [e.contract, e]));
    for (const sc of SCENARIOS) {
      if (!sc.needs.every((c) => byContract[c])) continue;
      const world = await World.create();
      const s = new Scenario(sc.group, job, byContract, world);
      await sc.fn(s);
      const entryNames = [...new Set(s.steps.filter((st) => st.op === 'deploy').map((st) => st.entry))];
      const embedded = sc.needs.filter((c) => !entryNames.includes(byContract[c].name)).map((c) => byContract[c].name);
      scenarios.push({
        name: `${sc.group}@${jobTag(job)}`,
        compiler: job.compiler.version,
        optimizer: job.optimizer,
        runs: job.runs,
        evmVersion: job.evmVersion,
        entries: entryNames,
        childEntries: embedded,
        labels: s.labels,
        steps: s.steps,
      });
    }
  }

  const header = {
    description: 'Scripted call sequences for corpus.json, checked natively by build.mjs on @ethereumjs/evm (see README.md).',
    context: CONTEXT,
    accounts: { deployer: DEPLOYER, alice: ALICE, bob: BOB, carol: CAROL, eoa: EOA },
    convention: [
      'Each scenario starts from an empty state in which only the deployer exists, with nonce 1 (as a contract account would). Contract accounts created later start at nonce 1.',
      'Steps run in order, each as its own transaction with the context above; value is always 0; gas limit 9,000,000.',
      "A deploy step sends the creation code of corpus entry `entry`, linked per `link` (placeholder -> address of the labelled library, as the entry's linkReferences give the offsets), followed by `args` (ABI-encoded constructor arguments), from the deployer; `nonce` is the deployer's nonce it uses and `address` = CREATE(deployer, nonce). A failed deploy still uses the nonce.",
      'A call step sends `data` from `from` to the contract labelled `to` (native address `toAddress`). `from` is always alice, bob or carol (never the deployer). Addresses that must have no code (ERC721 safe transfers to an EOA, calls to an address without code) use `eoa`.',
      '`expect` is success or revert (any failure: REVERT or an exceptional halt, named by `error`); `returns` is the return data, or the revert data of a failure (empty for an exceptional halt); `logs` are the logs in order (none after a failure); `created` lists the contracts the step created that still exist after it, in the order their creation started, labelled created:0, created:1, ... across the scenario, with `via` CREATE or CREATE2.',
      '`refs` names the labels whose native address appears in `data`. `dependsOnInitcode` marks steps whose native result depends on the exact bytes of an embedded child initcode (CREATE2 addresses, predictions, initcode length): a transpiled factory deploys transpiled initcode, so these differ unless the transpiler keeps child initcode byte-identical. Every CREATE2-created contract is such a case, and the calls that name it carry its native address in `data`.',
    ],
  };
  const scenarioDoc = { ...header, scenarios };

  writeFileSync(join(HERE, 'corpus.json'), `${fmt(corpus, 1)}\n`);
  writeFileSync(join(HERE, 'scenarios.json'), `${fmt(scenarioDoc, 4)}\n`);
  const steps = scenarios.reduce((n, s) => n + s.steps.length, 0);
  console.error(`${corpus.length} corpus entries, ${scenarios.length} scenarios, ${steps} steps, all as expected`);
}

main().catch((err) => {
  console.error(err instanceof Failure ? `FAILED: ${err.message}` : err);
  process.exit(1);
});
