import { describe, expect, it } from "vitest";
import {
  InvalidWebhookUrlError,
  ipAddressRange,
  nonPublicAddressReason,
  normaliseWebhookUrl,
  privateWebhookHostReason,
} from "./webhook-url";

describe("ipAddressRange / nonPublicAddressReason", () => {
  // [address, range]: only "unicast" may be connected to while private networks are blocked.
  const table: ReadonlyArray<readonly [string, string]> = [
    // IPv4 public
    ["8.8.8.8", "unicast"],
    ["93.184.215.14", "unicast"],
    ["1.1.1.1", "unicast"],
    ["172.15.255.255", "unicast"],
    ["172.32.0.1", "unicast"],
    ["100.63.255.255", "unicast"],
    ["100.128.0.1", "unicast"],
    ["169.253.255.255", "unicast"],
    ["223.255.255.254", "unicast"],
    // IPv4 loopback, private (RFC 1918), link-local (cloud metadata), CGNAT
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.5", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["169.254.0.1", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["100.127.255.255", "carrierGradeNat"],
    // IPv4 unspecified (0.0.0.0/8 reaches this host on Linux), multicast, broadcast, reserved
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["192.0.0.170", "reserved"],
    ["198.18.0.1", "reserved"],
    // IPv6 public
    ["2606:4700:4700::1111", "unicast"],
    ["2a00:1450:4001:80b::200e", "unicast"],
    // IPv6 loopback, unspecified, link-local, unique-local, site-local, multicast
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fe80::1%eth0", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456:789a::1", "uniqueLocal"],
    ["fec0::1", "deprecatedSiteLocal"],
    ["ff02::1", "multicast"],
    ["ff05::1:3", "multicast"],
    // IPv6 documentation, translation and tunnels: not plain public unicast
    ["2001:db8::1", "reserved"],
    ["64:ff9b::a00:5", "rfc6052"],
    ["2002:a00:5::1", "6to4"],
    ["2001::1", "teredo"],
    ["100::1", "discard"],
    // IPv4-mapped IPv6: the IPv4 address's range, whatever the spelling
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.5", "private"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["::ffff:100.64.0.1", "carrierGradeNat"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::ffff:8.8.8.8", "unicast"],
    ["0:0:0:0:0:ffff:c0a8:101", "private"],
    // IPv4-translated, IPv4-compatible (deprecated) and unallocated space: not public
    ["::ffff:0:a00:5", "rfc6145"],
    ["::a00:5", "reserved"],
    ["::7f00:1", "reserved"],
    // (ipaddr.js reads the dotted ::a.b.c.d spelling as mapped: classified by its IPv4 address)
    ["::127.0.0.1", "loopback"],
    ["::8.8.8.8", "unicast"],
    ["4000::1", "reserved"],
    // bracketed (as in a URL's hostname)
    ["[::1]", "loopback"],
    ["[2606:4700:4700::1111]", "unicast"],
  ];

  it.each(table)("%s is %s", (address, range) => {
    expect(ipAddressRange(address)).toBe(range);
    const reason = nonPublicAddressReason(address);
    if (range === "unicast") expect(reason).toBeNull();
    else expect(reason).toEqual(expect.any(String));
  });

  it("names and garbage are no IP address", () => {
    for (const name of ["localhost", "hooks.example.com", "", "10.0.0.5.nip.io", "::g"]) {
      expect(ipAddressRange(name)).toBeNull();
      expect(nonPublicAddressReason(name)).toBe("not an IP address");
    }
  });

  it("explains the refusal in words", () => {
    expect(nonPublicAddressReason("10.0.0.5")).toBe("in a private network");
    expect(nonPublicAddressReason("127.0.0.1")).toBe("a loopback address");
    expect(nonPublicAddressReason("169.254.169.254")).toBe("a link-local address");
    expect(nonPublicAddressReason("100.64.0.1")).toBe(
      "in the carrier-grade NAT range (100.64.0.0/10)",
    );
    expect(nonPublicAddressReason("::ffff:192.168.0.1")).toBe("in a private network");
    expect(nonPublicAddressReason("2002::1")).toBe("not a public unicast address (6to4)");
  });
});

describe("privateWebhookHostReason (a URL's hostname)", () => {
  it("refuses IP literals outside public unicast and localhost; leaves other names alone", () => {
    expect(privateWebhookHostReason("10.0.0.5")).toBe("in a private network");
    expect(privateWebhookHostReason("[::1]")).toBe("a loopback address");
    expect(privateWebhookHostReason("localhost")).toBe("a loopback name");
    expect(privateWebhookHostReason("LOCALHOST.")).toBe("a loopback name");
    expect(privateWebhookHostReason("api.localhost")).toBe("a loopback name");
    expect(privateWebhookHostReason("8.8.8.8")).toBeNull();
    expect(privateWebhookHostReason("hooks.example.com")).toBeNull();
    expect(privateWebhookHostReason("localhost.example.com")).toBeNull(); // checked at delivery
  });
});

describe("normaliseWebhookUrl", () => {
  const blocked = { allowPrivateNetworks: false };
  const refusal = (url: string, options = blocked) => {
    try {
      normaliseWebhookUrl(url, options);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidWebhookUrlError);
      return (error as Error).message;
    }
    return null;
  };

  it("keeps public URLs, clears on empty, refuses what is not a plain http(s) URL", () => {
    expect(normaliseWebhookUrl("  https://hooks.example.com/collab?x=1 ", blocked)).toBe(
      "https://hooks.example.com/collab?x=1",
    );
    expect(normaliseWebhookUrl("http://93.184.215.14:8080/h", blocked)).toBe(
      "http://93.184.215.14:8080/h",
    );
    expect(normaliseWebhookUrl("https://[2606:4700:4700::1111]/h", blocked)).toBe(
      "https://[2606:4700:4700::1111]/h",
    );
    expect(normaliseWebhookUrl("", blocked)).toBeNull();
    expect(normaliseWebhookUrl(null, blocked)).toBeNull();
    expect(refusal("ftp://example.com/")).toBe("The webhook URL must be http(s).");
    expect(refusal("https://u:p@example.com/")).toBe(
      "The webhook URL must not contain credentials.",
    );
    expect(refusal("nope")).toBe("The webhook URL is not a URL: nope");
  });

  it("refuses private, loopback, link-local, … literals and localhost, saying how to allow them", () => {
    expect(refusal("http://10.0.0.5/admin")).toBe(
      "The webhook URL's host 10.0.0.5 is in a private network; webhooks may only reach public " +
        "addresses (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 to allow private networks).",
    );
    for (const [url, words] of [
      ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
      ["http://localhost:5432", "localhost is a loopback name"],
      ["http://127.0.0.1:3000/h", "127.0.0.1 is a loopback address"],
      ["http://[::1]:3000/h", "[::1] is a loopback address"],
      ["http://[::ffff:10.0.0.5]/h", "[::ffff:a00:5] is in a private network"],
      ["http://[fd00::1]/h", "[fd00::1] is a unique-local address"],
      ["http://100.64.1.1/h", "100.64.1.1 is in the carrier-grade NAT range"],
      ["http://0.0.0.0:8080/h", "0.0.0.0 is the unspecified address"],
      // WHATWG URL reads these as 127.0.0.1 before we look.
      ["http://2130706433/h", "127.0.0.1 is a loopback address"],
      ["http://0x7f.1/h", "127.0.0.1 is a loopback address"],
    ] as const) {
      expect(refusal(url)).toContain(words);
    }
  });

  it("allows them all when private networks are allowed", () => {
    const allowed = { allowPrivateNetworks: true };
    expect(refusal("http://10.0.0.5/admin", allowed)).toBeNull();
    expect(refusal("http://localhost:5432", allowed)).toBeNull();
    expect(refusal("http://[::1]:3000/h", allowed)).toBeNull();
  });
});
