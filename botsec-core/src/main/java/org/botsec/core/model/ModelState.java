package org.botsec.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;

/**
 * Everything needed to write a model to a file and read it back: its type name (e.g. {@code logistic_regression},
 * {@code mlp}, {@code text_logistic_regression}), its weights and a JSON description (layer shapes, class names,
 * feature names, vocabulary and idf for text, provenance). The model file format stores {@code tensors} as
 * safetensors and {@code description} in the header's {@code __metadata__}.
 */
public record ModelState(String type, LinkedHashMap<String, Tensor> tensors, ObjectNode description) {
}
