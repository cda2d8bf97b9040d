// A gradient of ours that can be switched off again (the bench's "stock" runs): registering it remembers
// TF.js's own, switching off puts that back. Gradients are global in TF.js, not per backend.
import * as tf from '@tensorflow/tfjs';

/**
 * A switch for our gradient of `kernelName`, built by `ours` from TF.js's own (undefined where TF.js has none).
 * The switch returns whether anything changed.
 */
export function gradientOverride(kernelName: string, ours: (stock: tf.GradConfig | undefined) => tf.GradConfig): (on: boolean) => boolean {
  let original: tf.GradConfig | undefined | null = null; // null: ours is not registered
  return (on) => {
    if (on === (original !== null)) return false;
    if (!on) {
      if (original) tf.registerGradient(original);
      original = null;
      return true;
    }
    original = tf.getGradient(kernelName);
    tf.registerGradient(ours(original));
    return true;
  };
}
