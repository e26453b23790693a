package org.botsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;

/**
 * Reads the text that {@code --text-file FILE} names, or standard input for {@code -}: UTF-8 only, at most
 * {@link #MAX_BYTES}, one trailing line break dropped (what an editor or {@code echo} adds).
 */
public final class TextFiles {
    /** The largest text a command reads from a file or standard input. */
    public static final int MAX_BYTES = 1 << 20;

    private TextFiles() {
    }

    /** The text of {@code file}, or of {@code stdin} when the file is {@code -}. */
    public static String read(String file, InputStream stdin) {
        String text;
        if (file.equals("-")) {
            try {
                byte[] b = stdin.readNBytes(MAX_BYTES + 1);
                if (b.length > MAX_BYTES) {
                    throw BadInputException.of("--text-file -: standard input is larger than %d bytes", MAX_BYTES);
                }
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw BadInputException.of("--text-file -: standard input is not UTF-8 text");
            } catch (IOException e) {
                throw BadInputException.of("--text-file -: cannot read standard input: %s", e.getMessage());
            }
        } else {
            text = SafeFiles.readSmallUtf8(Path.of(file), MAX_BYTES, "--text-file");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            throw BadInputException.of("--text-file %s is empty; give the text to use", file);
        }
        return text;
    }
}
