/**
 * Classifiers trained elsewhere (PyTorch, scikit-learn, Hugging Face) and exported to ONNX, run through ONNX
 * Runtime as BotSec {@link org.botsec.core.model.Classifier}s, so that LIME, Kernel SHAP, the black-box attacks,
 * membership inference and the audit apply to them unchanged; and BotSec's own linear and MLP models written
 * as ONNX files that any ONNX runtime can serve ({@link org.botsec.onnx.OnnxExport}). Every file is checked
 * ({@link org.botsec.onnx.internal.OnnxInspector}) before ONNX Runtime sees it.
 */
package org.botsec.onnx;
