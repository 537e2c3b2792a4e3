package dev.switchyard.issuer.iso;

import com.solab.iso8583.CustomBinaryField;
import com.solab.iso8583.CustomField;
import com.solab.iso8583.IsoMessage;
import com.solab.iso8583.IsoType;
import com.solab.iso8583.IsoValue;
import com.solab.iso8583.parse.FieldParseInfo;
import java.text.ParseException;

/**
 * A variable-length numeric field as ISO 8583:1987 binary messages carry it (fields 2 and 32): one BCD byte with the
 * number of digits, then the digits packed two per byte, an odd count padded with a 0 nibble on the right. j8583's
 * own {@code LLBCDBIN} pads odd counts on the left, which other implementations read as a different number.
 */
final class BcdDigits {

  private BcdDigits() {}

  private static final CustomBinaryField<String> CODEC = new CustomBinaryField<>() {
    @Override
    public String encodeField(String value) {
      return value;
    }

    @Override
    public String decodeField(String value) {
      return value;
    }

    @Override
    public String decodeBinaryField(byte[] bytes, int offset, int length) {
      throw new UnsupportedOperationException("parsed by BcdDigits.Parser");
    }

    @Override
    public byte[] encodeBinaryField(String digits) {
      byte[] out = new byte[(digits.length() + 1) / 2];
      for (int i = 0; i < digits.length(); i++) {
        int d = digits.charAt(i) - '0';
        if (d < 0 || d > 9) {
          throw new IllegalArgumentException("not a digit in a numeric field");
        }
        out[i / 2] |= (byte) (i % 2 == 0 ? d << 4 : d);
      }
      return out;
    }
  };

  /** Sets field {@code field} of {@code message} to {@code digits}. */
  static void set(IsoMessage message, int field, String digits) {
    message.setValue(field, digits, CODEC, IsoType.LLBCDBIN, 0);
  }

  /** How to parse such a field of at most {@code maxDigits} digits. */
  static FieldParseInfo parser(int maxDigits) {
    return new Parser(maxDigits);
  }

  private static final class Parser extends FieldParseInfo {
    private final int maxDigits;

    Parser(int maxDigits) {
      super(IsoType.LLBCDBIN, 0);
      this.maxDigits = maxDigits;
    }

    @Override
    public <T> IsoValue<?> parse(int field, byte[] buf, int pos, CustomField<T> custom) throws ParseException {
      throw new ParseException("field " + field + " is only read from binary messages", pos);
    }

    @Override
    public <T> IsoValue<?> parseBinary(int field, byte[] buf, int pos, CustomField<T> custom)
        throws ParseException {
      if (pos < 0 || pos >= buf.length) {
        throw new ParseException("field " + field + ": no length", pos);
      }
      int high = (buf[pos] & 0xF0) >> 4;
      int low = buf[pos] & 0x0F;
      if (high > 9 || low > 9) {
        throw new ParseException("field " + field + ": the length is not BCD", pos);
      }
      int digits = high * 10 + low;
      if (digits > maxDigits) {
        throw new ParseException("field " + field + ": " + digits + " digits, at most " + maxDigits, pos);
      }
      if (pos + 1 + (digits + 1) / 2 > buf.length) {
        throw new ParseException("field " + field + ": truncated", pos);
      }
      char[] out = new char[digits];
      for (int i = 0; i < digits; i++) {
        int b = buf[pos + 1 + i / 2] & 0xFF;
        int d = i % 2 == 0 ? b >> 4 : b & 0x0F;
        if (d > 9) {
          throw new ParseException("field " + field + ": not a BCD digit", pos + 1 + i / 2);
        }
        out[i] = (char) ('0' + d);
      }
      return new IsoValue<>(IsoType.LLBCDBIN, new String(out), digits, CODEC);
    }
  }
}
