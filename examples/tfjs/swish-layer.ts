/**
 * A custom TensorFlow.js layer with a hand-written backward, as tfjs users write one: Swish with a
 * learned slope per feature, y = x·σ(βx), its gradient given to tfjs through tf.customGrad:
 *
 *   s = σ(βx),  s′ = s(1 − s),  dx = dy·(s + βx·s′),  dβ = Σ_batch dy·x²·s′
 *
 * `SwishWithoutBetaInDx` is its twin with a slip real backwards have: βx·s′ written x·s′ in dx (the
 * chain rule's inner factor β dropped). At the slope the layer starts from, β = 1, the slip
 * changes nothing — a check at the initial weights passes it; inputs and weights drawn from the
 * layer's domain catch it.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export class Swish extends tfl.layers.Layer {
  static className = 'Swish';
  private beta!: tfl.LayerVariable;

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const features = (inputShape as tfl.Shape).at(-1)!;
    this.beta = this.addWeight('beta', [features], 'float32', tfl.initializers.ones());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const swish = tf.customGrad(((x: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x, beta]);
      return { value: tf.mul(x, tf.sigmoid(tf.mul(beta, x))), gradFunc: (dy: tf.Tensor, [x, beta]: tf.Tensor[]) => this.backward(dy, x!, beta!) };
    }) as any) as (x: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
    return swish(x, this.beta.read());
  }

  /** [dx, dβ] for the cotangent dy. */
  protected backward(dy: tf.Tensor, x: tf.Tensor, beta: tf.Tensor): tf.Tensor[] {
    const s = tf.sigmoid(tf.mul(beta, x));
    const slope = tf.mul(s, tf.sub(1, s));
    const dx = tf.mul(dy, tf.add(s, tf.mul(tf.mul(beta, x), slope)));
    return [dx, this.sumOverBatch(tf.mul(dy, tf.mul(tf.square(x), slope)))];
  }

  /** A gradient of β's shape: summed over every axis but the last. */
  protected sumOverBatch(t: tf.Tensor): tf.Tensor {
    return tf.sum(t, Array.from({ length: t.rank - 1 }, (_, axis) => axis));
  }
}

export class SwishWithoutBetaInDx extends Swish {
  static override className = 'SwishWithoutBetaInDx';

  protected override backward(dy: tf.Tensor, x: tf.Tensor, beta: tf.Tensor): tf.Tensor[] {
    const s = tf.sigmoid(tf.mul(beta, x));
    const slope = tf.mul(s, tf.sub(1, s));
    const dx = tf.mul(dy, tf.add(s, tf.mul(x, slope))); // the bug: βx·s′ written x·s′
    return [dx, this.sumOverBatch(tf.mul(dy, tf.mul(tf.square(x), slope)))];
  }
}
