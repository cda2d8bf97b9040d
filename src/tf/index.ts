// TF.js set-up contract: backend choice and the kernels the dream engine adds. (file-fetch.ts is Node-only.)
export { BACKEND_NAMES, DEFAULT_CANDIDATES, chooseBackend, parseBackendOverride, useBackend, type BackendChoice, type BackendConfig, type BackendName } from './backend';
export { registerDepthwiseBackpropInput } from './depthwise-backprop';
export { convBackpropAsConvActive, setConvBackpropAsConv } from './conv-backprop-as-conv';
export { registerRelu6Grad, setRelu6Grad } from './relu6-grad';
export { identityShareActive, setIdentityShare } from './identity-share';
