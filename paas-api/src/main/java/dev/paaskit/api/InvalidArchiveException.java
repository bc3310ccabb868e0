package dev.paaskit.api;

/**
 * An uploaded archive or folder was refused whole: an entry escapes its folder, is a device, or
 * a limit was exceeded. {@link #entry()} names the entry, when one is to blame. Nothing of the
 * upload was stored.
 */
public final class InvalidArchiveException extends PaasException {
  /** The entry to blame; null when the upload as a whole was refused. */
  private final String entry;

  /**
   * A refusal of {@code entry}, or of the upload as a whole.
   *
   * @param entry the archive entry to blame, as the archive names it; null when the upload as a
   *     whole is refused (too large, not an archive, nothing there); the message then is
   *     {@code problem} alone
   * @param problem what is wrong, read after {@code archive entry '<entry>': }
   */
  public InvalidArchiveException(String entry, String problem) {
    super(entry == null ? problem : "archive entry '" + entry + "': " + problem);
    this.entry = entry;
  }

  /**
   * The entry to blame.
   *
   * @return the entry's name as the archive gave it, or null when the upload as a whole was
   *     refused
   */
  public String entry() {
    return entry;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code invalid_archive}
   */
  @Override
  public String code() {
    return "invalid_archive";
  }
}
