// The generated WebAssembly modules' bytes, pinned (sha-256): the element-wise module, the warp module, and the
// depthwise modules of geometries that cover every branch of their generators (edge pixels on both sides, blocks
// and the pixels after them, strides 1–3, explicit pads, no interior, 4 to 240 channels). A change to a generator
// that changes a module's code shows here: update its hash in the same commit, with the kernel tests green.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { depthwiseGradModuleBytes, depthwiseModuleBytes, type ConvShape } from '../../../../../src/tf/accel/depthwise/module';
import { simdModuleBytes } from '../../../../../src/tf/accel/heap/simd';
import { warpModuleBytes } from '../../../../../src/tf/accel/warp/module';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const FORWARD: [ConvShape, string][] = [
  [{ oh: 40, ow: 40, h: 40, w: 40, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1, c: 16, bias: true, act: 'relu6' }, 'da833c3f9d23ba6deedea1159cdbbf5b6aa2789597488d7edd2aae2de7aa51e5'],
  [{ oh: 20, ow: 20, h: 40, w: 40, kh: 3, kw: 3, sh: 2, sw: 2, top: 0, left: 0, c: 96, bias: true, act: 'relu6' }, '46f4920afeaf98352973a279ec9b076a269c1029a2dc1133e91a4556143c66e8'],
  [{ oh: 20, ow: 20, h: 20, w: 20, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1, c: 144, bias: true, act: 'relu' }, 'cb2d35ecf9fd8bee84992efae057631b2be53e65f8fd93a091b06d3b9a8e69fb'],
  [{ oh: 20, ow: 20, h: 20, w: 20, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 40, bias: true, act: 'relu6' }, 'bedf913185cc8d802be54bc59d8a47b67a062d0df2073b65bcce1414b964f7df'],
  [{ oh: 10, ow: 10, h: 20, w: 20, kh: 5, kw: 5, sh: 2, sw: 2, top: 1, left: 1, c: 96, bias: true, act: 'linear' }, 'bbd79d87eb30edc1b82db4d6cdc97703411fb3c693f4e0bd383489788beccf9a'],
  [{ oh: 10, ow: 10, h: 10, w: 10, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 240, bias: false, act: 'linear' }, 'c6f189a098c8c862abb8c40b94e2a5676539bb8a03aa5fed39f0d7a10a208dd2'],
  [{ oh: 16, ow: 16, h: 16, w: 16, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 8, bias: true, act: 'relu6' }, '1c37fd2f9ecb32cd15a8fefcef53b3ece4feec225cd0643e6d56c13160e79a2f'],
  [{ oh: 6, ow: 5, h: 11, w: 9, kh: 5, kw: 5, sh: 2, sw: 2, top: 2, left: 2, c: 4, bias: true, act: 'relu' }, 'a0cc6458c4a419b01fce981ac14eed110a38b5ee25250bd78074c75c0067f8df'],
  [{ oh: 6, ow: 10, h: 10, w: 14, kh: 5, kw: 5, sh: 1, sw: 1, top: 0, left: 0, c: 12, bias: true, act: 'linear' }, 'd22503dfebdb1b7d304ed7065591d84c675e0cb3d1533eb6f0a0afc29db29cd1'],
  [{ oh: 6, ow: 7, h: 13, w: 15, kh: 5, kw: 5, sh: 2, sw: 2, top: 1, left: 2, c: 4, bias: true, act: 'relu6' }, '460ab3f266485d35e1c1136f17268fb5a5c3f4482068194a44cecf8cf03ef8c3'],
  [{ oh: 9, ow: 7, h: 9, w: 7, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 16, bias: false, act: 'linear' }, '2713b9a6ea49eb58112eed1576ddeb42f474034d22cf205ac88e9cfa08c4c70a'],
  [{ oh: 4, ow: 4, h: 12, w: 12, kh: 7, kw: 7, sh: 3, sw: 3, top: 2, left: 2, c: 8, bias: true, act: 'relu' }, 'c7ae33879f7b7d39fa266ab2755a0e3decf6f66bc72b8d3c4868764e61f2d2df'],
  [{ oh: 4, ow: 5, h: 9, w: 10, kh: 3, kw: 3, sh: 2, sw: 2, top: 0, left: 1, c: 16, bias: true, act: 'relu6' }, '76d845f926ce207e17c5182d7a7ae89e732fa26038f8c62c16212b584a0ca08d'],
  [{ oh: 2, ow: 2, h: 3, w: 4, kh: 5, kw: 5, sh: 2, sw: 2, top: 2, left: 1, c: 8, bias: false, act: 'linear' }, '6352b6227cb4599a588a60c80f84a15a9bce19552e39c93d98a72704e6ac465e'],
  [{ oh: 5, ow: 5, h: 5, w: 5, kh: 3, kw: 5, sh: 1, sw: 1, top: 1, left: 2, c: 4, bias: true, act: 'relu6' }, '2cfd9b83c6f77f213c7f7d056d3b2ee608277a92263d13eddfd92dcfc804b746'],
  [{ oh: 5, ow: 28, h: 7, w: 30, kh: 3, kw: 3, sh: 1, sw: 1, top: 0, left: 0, c: 32, bias: false, act: 'relu' }, 'd4f71010009460a74c8a2482ed5154796775a80544964f98289b9740fae20cc3'],
  [{ oh: 31, ow: 31, h: 64, w: 64, kh: 3, kw: 3, sh: 2, sw: 2, top: 0, left: 0, c: 24, bias: true, act: 'relu6' }, '4072977638e1fb6638eaffeb07e001a06b7069a1af412fd056cdaf441b364025'],
  [{ oh: 2, ow: 2, h: 2, w: 2, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1, c: 4, bias: true, act: 'linear' }, 'ab35baf4bfd2d779fc1c64032bc7b23bcb24a4190fc89f16704283ede5d77ce6'],
];
const GRADIENT: [ConvShape, string][] = [
  [{ oh: 40, ow: 40, h: 40, w: 40, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1, c: 16, bias: false, act: 'linear' }, 'b476fe59fac40bc7ea079e48ae8b9678be0fce44b54f2ce55167dbfae4eb5c8d'],
  [{ oh: 20, ow: 20, h: 40, w: 40, kh: 3, kw: 3, sh: 2, sw: 2, top: 0, left: 0, c: 96, bias: false, act: 'linear' }, 'dd868fc8d591c6bf574734629cbdaed4dc9b5d3ce86b4954b7e0ee398e9a9ce0'],
  [{ oh: 20, ow: 20, h: 20, w: 20, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1, c: 144, bias: false, act: 'linear' }, '614fd7091e692f8c29a6896616d527c9384a0170d8b2c9f3a228406488b6b283'],
  [{ oh: 20, ow: 20, h: 20, w: 20, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 40, bias: false, act: 'linear' }, '7b05a7dfce2165ec4e5bd6167c06e96303b666929647521f91c944ea3f9f3775'],
  [{ oh: 10, ow: 10, h: 20, w: 20, kh: 5, kw: 5, sh: 2, sw: 2, top: 1, left: 1, c: 96, bias: false, act: 'linear' }, 'fda65fea65501d74fd1579a65fdf58ab16c6c0ea8b43d2ab9bcd0d930095ed1d'],
  [{ oh: 10, ow: 10, h: 10, w: 10, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 240, bias: false, act: 'linear' }, 'ecd0f3d7b5037d9208e3444e0c523428f5d183a2980e81cfec38a5a56964cc1e'],
  [{ oh: 16, ow: 16, h: 16, w: 16, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 8, bias: false, act: 'linear' }, '849290ef655714fa0bfae45242e24cb337039ffbde33648e8316c823dcb8d2be'],
  [{ oh: 6, ow: 5, h: 11, w: 9, kh: 5, kw: 5, sh: 2, sw: 2, top: 2, left: 2, c: 4, bias: false, act: 'linear' }, '8c6055819b2b309bf6e18dc3394e9377eff6f062460184dba8f692240b9d3dd7'],
  [{ oh: 6, ow: 10, h: 10, w: 14, kh: 5, kw: 5, sh: 1, sw: 1, top: 0, left: 0, c: 12, bias: false, act: 'linear' }, '8dafc03758d20550acc9b64c1a10789ae24663a73d36b8b13b7dc416fc855edc'],
  [{ oh: 6, ow: 7, h: 13, w: 15, kh: 5, kw: 5, sh: 2, sw: 2, top: 1, left: 2, c: 4, bias: false, act: 'linear' }, '74daaaf86bf971f7a52becc86c29986683cdefcafdf915b3c383a99a35e9ff17'],
  [{ oh: 9, ow: 7, h: 9, w: 7, kh: 5, kw: 5, sh: 1, sw: 1, top: 2, left: 2, c: 16, bias: false, act: 'linear' }, '491dad02a06afc46f796ed16f7cb9aae150ab76d5dcfd08a484936cb1e1e71e1'],
  [{ oh: 4, ow: 4, h: 12, w: 12, kh: 7, kw: 7, sh: 3, sw: 3, top: 2, left: 2, c: 8, bias: false, act: 'linear' }, '2552b56d72ed72c3f033f552aed65c0f97f518f72c9eb5d31fb05850c028e425'],
  [{ oh: 4, ow: 5, h: 9, w: 10, kh: 3, kw: 3, sh: 2, sw: 2, top: 0, left: 1, c: 16, bias: false, act: 'linear' }, 'e822afdf31d5c84d6593e542c7e6efb849d6c4e0bc2d4ef84ce8320647dba437'],
  [{ oh: 2, ow: 2, h: 3, w: 4, kh: 5, kw: 5, sh: 2, sw: 2, top: 2, left: 1, c: 8, bias: false, act: 'linear' }, '3efac1d45ec399f0faef9755f95e39a40d5c42561495cf8657d9880881846dbc'],
  [{ oh: 5, ow: 5, h: 5, w: 5, kh: 3, kw: 5, sh: 1, sw: 1, top: 1, left: 2, c: 4, bias: false, act: 'linear' }, 'd2001b917338d0b40b8beab26c1a13ed66fc8ff0675435e395a4b2df8831c513'],
  [{ oh: 5, ow: 28, h: 7, w: 30, kh: 3, kw: 3, sh: 1, sw: 1, top: 0, left: 0, c: 32, bias: false, act: 'linear' }, '923546b1fd923d5b19dece1f45826fbd168030589296e1e5f92271d5579c3031'],
  [{ oh: 31, ow: 31, h: 64, w: 64, kh: 3, kw: 3, sh: 2, sw: 2, top: 0, left: 0, c: 24, bias: false, act: 'linear' }, 'ea4b428556ce0ba5bdb5135860b9639e8cee2c4fde7a1ada01e62803e76f002e'],
  [{ oh: 2, ow: 2, h: 2, w: 2, kh: 3, kw: 3, sh: 1, sw: 1, top: 1, left: 1, c: 4, bias: false, act: 'linear' }, '64c76b7276f0f892b725fc5084d4a3c97d510d7d49e511d99bb290eafc2aa163'],
];

describe('generated WebAssembly modules keep their bytes', () => {
  it('the element-wise module', () => {
    expect(sha256(simdModuleBytes())).toBe('4e7a84df03c33779cd9a27dbce75243b4f277ded63fac0c8968bf68d4dc45a5b');
  });

  it('the affine warp module', () => {
    expect(sha256(warpModuleBytes())).toBe('d2b7c73ddd42fb57057ab8a5678560e83a7f5c50e4ca01989ee1ecbe969295fc');
  });

  it.each(FORWARD.map(([g, h]) => [JSON.stringify(g), g, h] as const))('depthwise forward %s', (_name, g, hash) => {
    expect(sha256(depthwiseModuleBytes(g))).toBe(hash);
  });

  it.each(GRADIENT.map(([g, h]) => [JSON.stringify(g), g, h] as const))('depthwise input gradient %s', (_name, g, hash) => {
    expect(sha256(depthwiseGradModuleBytes(g))).toBe(hash);
  });
});
