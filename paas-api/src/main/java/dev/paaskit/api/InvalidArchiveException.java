package dev.paaskit.api;

/**
 * An uploaded archive or folder was refused whole: an entry escapes its folder, is a device, or
 * a limit was exceeded. {@link #entry()} names the entry, when one is to blame.
 */
public final class InvalidArchiveException extends PaasException {
  private final String entry;

  public InvalidArchiveException(String entry, String problem) {
    super(entry == null ? problem : "archive entry '" + entry + "': " + problem);
    this.entry = entry;
  }

  public String entry() {
    return entry;
  }

  @Override
  public String code() {
    return "invalid_archive";
  }
}
