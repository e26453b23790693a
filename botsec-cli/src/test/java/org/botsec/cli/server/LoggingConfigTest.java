package org.botsec.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The command line ships a configured SLF4J backend (slf4j-simple): warnings by default, the gateway's request
 * log at INFO, Jetty at WARN. The file is the one the fat jar carries.
 */
class LoggingConfigTest {
    @Test
    void theShippedConfigurationIsQuietExceptForTheRequestLog() throws Exception {
        Properties p = new Properties();
        try (InputStream in = LoggingConfigTest.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            assertNotNull(in, "simplelogger.properties is not on the class path");
            p.load(in);
        }
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("info", p.getProperty("org.slf4j.simpleLogger.log.org.botsec.server.access"));
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty"));
        assertEquals("true", p.getProperty("org.slf4j.simpleLogger.showDateTime"));
        // The binding is slf4j-simple, not the no-operation fallback.
        assertEquals("org.slf4j.simple.SimpleLoggerFactory", org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName());
    }
}
