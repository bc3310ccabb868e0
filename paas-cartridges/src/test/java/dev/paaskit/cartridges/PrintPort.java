package dev.paaskit.cartridges;

/** The main class of the runnable jar the Java cartridge tests build: prints what it got. */
final class PrintPort {
  private PrintPort() {
  }

  public static void main(String[] args) {
    System.out.println("port=" + System.getProperty("server.port")
        + " greeting=" + System.getProperty("greeting"));
  }
}
