package dev.switchyard.issuer.iso;

import com.solab.iso8583.IsoMessage;
import com.solab.iso8583.IsoType;
import com.solab.iso8583.IsoValue;
import com.solab.iso8583.MessageFactory;
import com.solab.iso8583.parse.FieldParseInfo;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The ISO 8583:1987 messages of the issuer link, binary bitmap and BCD numerics (as jPOS's {@code ISO87BPackager}
 * reads and writes them): which message types, which fields and how each is encoded (docs/issuer-protocol.md).
 * Packing and parsing are j8583's; one factory serves every link, and is safe to share once built.
 */
public final class IsoMessages {

  /** The message types the link sends and reads. */
  public static final int AUTHORIZATION = 0x0100;
  public static final int AUTHORIZATION_RESPONSE = 0x0110;
  public static final int ADVICE = 0x0120;
  public static final int ADVICE_REPEAT = 0x0121;
  public static final int ADVICE_RESPONSE = 0x0130;
  public static final int REVERSAL = 0x0400;
  public static final int REVERSAL_RESPONSE = 0x0410;
  public static final int REVERSAL_ADVICE = 0x0420;
  public static final int REVERSAL_ADVICE_REPEAT = 0x0421;
  public static final int REVERSAL_ADVICE_RESPONSE = 0x0430;
  public static final int NETWORK = 0x0800;
  public static final int NETWORK_RESPONSE = 0x0810;

  private static final int[] TYPES = {AUTHORIZATION, AUTHORIZATION_RESPONSE, ADVICE, ADVICE_REPEAT, ADVICE_RESPONSE, REVERSAL,
      REVERSAL_RESPONSE, REVERSAL_ADVICE, REVERSAL_ADVICE_REPEAT, REVERSAL_ADVICE_RESPONSE, NETWORK,
      NETWORK_RESPONSE};

  /** Field 70 of a network management message. */
  public static final String SIGN_ON = "001";
  public static final String SIGN_OFF = "002";
  public static final String ECHO = "301";

  private static final MessageFactory<IsoMessage> FACTORY = factory();
  private static final java.util.Set<Integer> READ_TYPES =
      java.util.Arrays.stream(TYPES).boxed().collect(java.util.stream.Collectors.toUnmodifiableSet());

  private IsoMessages() {}

  private static MessageFactory<IsoMessage> factory() {
    MessageFactory<IsoMessage> f = new MessageFactory<>();
    f.setUseBinaryMessages(true);
    f.setUseBinaryBitmap(true);
    f.setAssignDate(false);
    f.setForceSecondaryBitmap(false);
    for (int type : TYPES) {
      f.setParseMap(type, fields());
    }
    // After the parse maps, so every field parser gets it: text fields are ISO-8859-1, space-padded.
    f.setCharacterEncoding("ISO-8859-1");
    return f;
  }

  /** Every field the link reads, whatever the message type (a bit set for a field not listed fails the parse). */
  private static Map<Integer, FieldParseInfo> fields() {
    Map<Integer, FieldParseInfo> f = new HashMap<>();
    f.put(2, BcdDigits.parser(19));
    f.put(3, numeric(6));
    f.put(4, numeric(12));
    f.put(7, numeric(10));
    f.put(11, numeric(6));
    f.put(12, numeric(6));
    f.put(13, numeric(4));
    f.put(14, numeric(4));
    f.put(18, numeric(4));
    f.put(22, numeric(3));
    f.put(32, BcdDigits.parser(11));
    f.put(37, text(12));
    f.put(38, text(6));
    f.put(39, text(2));
    f.put(41, text(8));
    f.put(42, text(15));
    f.put(49, text(3));
    f.put(70, numeric(3));
    f.put(90, numeric(42));
    return f;
  }

  private static FieldParseInfo numeric(int length) {
    return FieldParseInfo.getInstance(IsoType.NUMERIC, length, null);
  }

  private static FieldParseInfo text(int length) {
    return FieldParseInfo.getInstance(IsoType.ALPHA, length, null);
  }

  /** A network management message (0800): sign-on, sign-off or echo, with its STAN and transmission time. */
  public static IsoMessage network(String code, String stan, java.time.Instant now) {
    IsoMessage m = create(NETWORK);
    numeric(m, 7, TRANSMISSION_TIME.format(now), 10);
    numeric(m, 11, stan, 6);
    numeric(m, 70, code, 3);
    return m;
  }

  /** Field 7: the transmission date and time, MMDDhhmmss in UTC. */
  public static final java.time.format.DateTimeFormatter TRANSMISSION_TIME =
      java.time.format.DateTimeFormatter.ofPattern("MMddHHmmss").withZone(java.time.ZoneOffset.UTC);

  /**
   * The response to {@code request}: its type plus 0x10 (a repeat is answered like the first: 0121 by 0130, 0421 by
   * 0430), its fields, and {@code code}.
   */
  public static IsoMessage response(IsoMessage request, String code) {
    int type = (request.getType() & ~0x1) + 0x10;
    IsoMessage r = create(type);
    for (int field = 2; field <= 128; field++) {
      if (request.hasField(field)) {
        r.setField(field, request.getField(field).clone());
      }
    }
    text(r, 39, code, 2);
    return r;
  }

  /** Whether {@code type} is a response (its third digit odd: 0110, 0130, 0410, 0430, 0810). */
  public static boolean isResponse(int type) {
    return (type & 0x10) != 0;
  }

  /** A new message of {@code type}, empty. */
  public static IsoMessage create(int type) {
    IsoMessage m = FACTORY.newMessage(type);
    m.setBinaryHeader(true);
    m.setBinaryFields(true);
    m.setBinaryBitmap(true);
    return m;
  }

  /** Parses one message (without its length header). */
  public static IsoMessage parse(byte[] bytes) throws ParseException {
    // Checked here, not by j8583: it logs a message of a type it has no parse map for, content and all (a card
    // number in field 2 would end up in the log).
    int type = bytes.length < 2 ? -1 : ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
    if (!READ_TYPES.contains(type)) {
      throw new ParseException("a message type the link does not read", 0);
    }
    try {
      IsoMessage m = FACTORY.parseMessage(bytes, 0);
      if (m == null) {
        throw new ParseException("a message type the link does not read", 0);
      }
      return m;
    } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
      ParseException failure = new ParseException("not an ISO 8583 message the link reads", 0);
      failure.initCause(e);
      throw failure;
    }
  }

  /** The bytes of {@code message}, without a length header. */
  public static byte[] bytes(IsoMessage message) {
    return message.writeData();
  }

  public static void numeric(IsoMessage m, int field, String digits, int length) {
    m.setValue(field, digits, IsoType.NUMERIC, length);
  }

  public static void text(IsoMessage m, int field, String value, int length) {
    m.setValue(field, value, IsoType.ALPHA, length);
  }

  /** Fields 2 and 32: variable-length digits. */
  public static void digits(IsoMessage m, int field, String digits) {
    BcdDigits.set(m, field, digits);
  }

  /** The field as sent, padding kept; null when absent. */
  public static String get(IsoMessage m, int field) {
    IsoValue<?> v = m.getField(field);
    return v == null ? null : v.toString();
  }

  /** The message type as four digits ("0110"). */
  public static String type(IsoMessage m) {
    return String.format("%04x", m.getType());
  }
}
