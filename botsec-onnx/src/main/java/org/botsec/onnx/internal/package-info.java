/**
 * The ONNX protobuf encoding, read and written by field number from the ONNX specification: the checks made
 * before a file reaches ONNX Runtime, and the writer behind the export. Not public API.
 */
package org.botsec.onnx.internal;
