/**
 * BotSec guardrails for LangChain4j AI services: {@link org.botsec.langchain4j.BotsecInputGuardrail} scans the
 * user's message before the model sees it and {@link org.botsec.langchain4j.BotsecOutputGuardrail} scans the
 * model's answer before the caller does. Put them on an AI service method with
 * {@code @InputGuardrails(BotsecInputGuardrail.class)} and {@code @OutputGuardrails(BotsecOutputGuardrail.class)};
 * a block stops the call, a redaction rewrites the message.
 */
package org.botsec.langchain4j;
