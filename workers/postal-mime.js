// The Worker bundle's "postal-mime" (wrangler.toml [alias]). The resend SDK imports this MIME
// parser for one feature, forwarding an email Resend *received* (`emails.receiving.forward`); this
// API only sends. Leaving the parser out keeps about 70 KiB of minified code out of every cold
// start; should that feature ever be called, it fails loudly instead of parsing.
const PostalMime = {
  parse() {
    throw new Error(
      "Forwarding received email is not part of this Worker (postal-mime is left out of the bundle).",
    );
  },
};

export default PostalMime;
