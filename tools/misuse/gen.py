#!/usr/bin/env python3
"""Generates the API-misuse sweep's calls (tools/misuse/README.md) from the export list of
libssl.so.3 (data/libssl3-exports.txt) and the prototypes of the system <openssl/ssl.h>, read
with gcc by the parser of tools/gen-unsupported.py.

For every function: one call with valid arguments ("valid"), then for each pointer argument
in turn a call with NULL there ("PARAM=NULL"), and for each integer argument the values 0,
-1, INT_MIN, INT_MAX (and LONG_MIN, LONG_MAX for 64-bit types), converted to the argument's
type ("PARAM=INT_MAX"); the other arguments keep their valid values. A variant equal to the
valid call is not repeated.

    python3 tools/misuse/gen.py -o target/misuse/calls.c     # the C calls
    python3 tools/misuse/gen.py --stats                      # counts, on stderr
"""
import argparse
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
EXPORTS = os.path.join(ROOT, "data", "libssl3-exports.txt")

_spec = importlib.util.spec_from_file_location("gen_unsupported", os.path.join(ROOT, "tools", "gen-unsupported.py"))
gu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gu)

# ---- objects: the constructor of a valid one (harness.h) ----------------------------------
OBJECTS = {
    "SSL_CTX": "mk_ctx()",
    "SSL": "mk_ssl()",
    "SSL_SESSION": "mk_session()",
    "SSL_CIPHER": "mk_cipher()",
    "SSL_METHOD": "TLS_method()",
    "SSL_CONF_CTX": "mk_cctx()",
    "X509": "mk_x509()",
    "EVP_PKEY": "mk_pkey()",
    "RSA": "mk_rsa()",
    "BIO": "mk_membio()",
    "X509_STORE": "mk_store()",
    "X509_VERIFY_PARAM": "mk_param()",
    "EVP_MD": "EVP_sha256()",
    "ENGINE": "mk_engine()",
    "OSSL_LIB_CTX": "OSSL_LIB_CTX_get0_global_default()",
    "BIGNUM": "mk_bn()",
    "COMP_METHOD": "mk_comp()",
    "SSL_COMP": "NULL",  # no compression method exists: NULL is the only value
    "CTLOG_STORE": "mk_ctlog()",
    "BIO_ADDR": "mk_bioaddr()",
    "FILE": "mk_file()",
    "OPENSSL_INIT_SETTINGS": "mk_initsettings()",
    "struct stack_st_X509_NAME": "mk_names()",
    "struct stack_st_X509": "mk_chain()",
    "struct stack_st_SSL_COMP": "mk_compstack()",
}

# ---- valid values by parameter name (all functions), then per function --------------------
ALPN = r'"\x02h2\x08http/1.1"'
SCALAR_BY_NAME = {
    "idx": "0", "n": "0", "mode": "1", "yes": "1", "val": "1", "debug": "1", "override": "1",
    "depth": "5", "level": "1", "purpose": "X509_PURPOSE_SSL_SERVER", "trust": "X509_TRUST_SSL_SERVER",
    "type": "SSL_FILETYPE_PEM", "pk": "EVP_PKEY_RSA", "client": "1", "flags": "1",
    "op": "SSL_OP_NO_TICKET", "t": "300", "tm": "0", "strength": "1024",
    "ret_code": "1", "value": "0x0228", "ext_type": "16", "context": "SSL_EXT_CLIENT_HELLO",
    "updatetype": "SSL_KEY_UPDATE_NOT_REQUESTED", "id": "23", "validation_mode": "0",
    "max_early_data": "16384", "recv_max_early_data": "16384", "num_tickets": "2",
    "block_size": "16", "len": "16384", "isv2format": "0", "use_context": "1",
    "fd": "h_fd", "offset": "0", "size": "5", "version": "TLS1_2_VERSION",
    "write_p": "0", "content_type": "SSL3_RT_HANDSHAKE", "opts": "0", "larg": "0",
    "mtype": "1", "ord": "1", "usage": "3", "selector": "1",
}
STRING_BY_NAME = {
    "file": "h_cert_file", "CAfile": "h_ca_file", "CApath": "h_certdir", "dir": "h_certdir",
    "CAstore": "h_ca_file", "uri": "h_ca_file", "str": '"DEFAULT"', "hostname": '"example.com"',
    "basedomain": '"example.com"', "name": '"default"', "pre": '"SSL"', "cmd": '"CipherString"',
    "value": '"DEFAULT"', "profiles": '"SRTP_AES128_CM_SHA1_80"', "identity_hint": '"hint"',
    "rfc_name": '"TLS_AES_128_GCM_SHA256"', "label": '"EXPERIMENTAL"', "path": '"/dev/null"',
    "propq": '"?provider=default"', "user": '"user"', "pass": '"password"', "grp": '"1024"',
}

# (function, parameter) -> C expression of its valid value.
VALID = {
    # buffers with content, and their lengths
    ("SSL_CIPHER_description", "size"): "128",
    ("SSL_CIPHER_find", "ptr"): r'mk_buf("\x13\x01", 2)',
    ("SSL_CTX_set_alpn_protos", "protos"): f"mk_buf({ALPN}, 12)",
    ("SSL_CTX_set_alpn_protos", "protos_len"): "12",
    ("SSL_set_alpn_protos", "protos"): f"mk_buf({ALPN}, 12)",
    ("SSL_set_alpn_protos", "protos_len"): "12",
    ("SSL_select_next_proto", "out"): "mk_pp(NULL)",
    ("SSL_select_next_proto", "in"): f"mk_buf({ALPN}, 12)",
    ("SSL_select_next_proto", "inlen"): "12",
    ("SSL_select_next_proto", "client"): r'mk_buf("\x08http/1.1", 9)',
    ("SSL_select_next_proto", "client_len"): "9",
    ("SSL_CTX_set_session_id_context", "sid_ctx"): 'mk_buf("sidctx", 6)',
    ("SSL_CTX_set_session_id_context", "sid_ctx_len"): "6",
    ("SSL_set_session_id_context", "sid_ctx"): 'mk_buf("sidctx", 6)',
    ("SSL_set_session_id_context", "sid_ctx_len"): "6",
    ("SSL_SESSION_set1_id_context", "sid_ctx"): 'mk_buf("sidctx", 6)',
    ("SSL_SESSION_set1_id_context", "sid_ctx_len"): "6",
    ("SSL_SESSION_set1_id", "sid"): 'mk_buf("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32)',
    ("SSL_SESSION_set1_id", "sid_len"): "32",
    ("SSL_has_matching_session_id", "id"): 'mk_buf("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32)',
    ("SSL_has_matching_session_id", "id_len"): "32",
    ("SSL_SESSION_set1_master_key", "in"): 'mk_buf("MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM", 48)',
    ("SSL_SESSION_set1_master_key", "len"): "48",
    ("SSL_SESSION_get_master_key", "outlen"): "48",
    ("SSL_SESSION_set1_alpn_selected", "alpn"): 'mk_buf("h2", 2)',
    ("SSL_SESSION_set1_alpn_selected", "len"): "2",
    ("SSL_SESSION_set1_ticket_appdata", "data"): 'mk_buf("appdata", 7)',
    ("SSL_SESSION_set1_ticket_appdata", "len"): "7",
    ("SSL_CTX_use_certificate_ASN1", "d"): "mk_buf(h_certder, h_certder_len)",
    ("SSL_CTX_use_certificate_ASN1", "len"): "h_certder_len",
    ("SSL_use_certificate_ASN1", "d"): "mk_buf(h_certder, h_certder_len)",
    ("SSL_use_certificate_ASN1", "len"): "h_certder_len",
    ("SSL_CTX_use_PrivateKey_ASN1", "d"): "mk_buf(h_keyder, h_keyder_len)",
    ("SSL_CTX_use_PrivateKey_ASN1", "len"): "h_keyder_len",
    ("SSL_use_PrivateKey_ASN1", "d"): "mk_buf(h_keyder, h_keyder_len)",
    ("SSL_use_PrivateKey_ASN1", "len"): "h_keyder_len",
    ("SSL_CTX_use_RSAPrivateKey_ASN1", "d"): "mk_buf(h_keyder, h_keyder_len)",
    ("SSL_CTX_use_RSAPrivateKey_ASN1", "len"): "h_keyder_len",
    ("SSL_use_RSAPrivateKey_ASN1", "d"): "mk_buf(h_keyder, h_keyder_len)",
    ("SSL_use_RSAPrivateKey_ASN1", "len"): "h_keyder_len",
    ("SSL_CTX_use_serverinfo", "serverinfo"): r'mk_buf("\x00\x12\x00\x00", 4)',
    ("SSL_CTX_use_serverinfo", "serverinfo_length"): "4",
    ("SSL_CTX_use_serverinfo_ex", "version"): "SSL_SERVERINFOV2",
    ("SSL_CTX_use_serverinfo_ex", "serverinfo"): r'mk_buf("\x00\x00\x01\xd0\x00\x12\x00\x00", 8)',
    ("SSL_CTX_use_serverinfo_ex", "serverinfo_length"): "8",
    ("SSL_CTX_use_serverinfo_file", "file"): '"/dev/null"',
    ("SSL_bytes_to_cipher_list", "bytes"): r'mk_buf("\x13\x01\xc0\x2f", 4)',
    ("SSL_bytes_to_cipher_list", "len"): "4",
    ("SSL_dane_tlsa_add", "data"): 'mk_buf("DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", 32)',
    ("SSL_dane_tlsa_add", "dlen"): "32",
    ("SSL_export_keying_material", "olen"): "32",
    ("SSL_export_keying_material", "llen"): "12",
    ("SSL_export_keying_material", "context"): 'mk_buf("ctx", 3)',
    ("SSL_export_keying_material", "contextlen"): "3",
    ("SSL_export_keying_material_early", "olen"): "32",
    ("SSL_export_keying_material_early", "llen"): "12",
    ("SSL_export_keying_material_early", "context"): 'mk_buf("ctx", 3)',
    ("SSL_export_keying_material_early", "contextlen"): "3",
    ("SSL_get_client_random", "outlen"): "32",
    ("SSL_get_server_random", "outlen"): "32",
    ("SSL_get_finished", "count"): "H_BUFCAP",
    ("SSL_get_peer_finished", "count"): "H_BUFCAP",
    ("SSL_get_shared_ciphers", "size"): "H_BUFCAP",
    ("SSL_read", "num"): "H_BUFCAP",
    ("SSL_peek", "num"): "H_BUFCAP",
    ("SSL_read_ex", "num"): "H_BUFCAP",
    ("SSL_peek_ex", "num"): "H_BUFCAP",
    ("SSL_read_early_data", "num"): "H_BUFCAP",
    ("SSL_write", "buf"): 'mk_buf("hello", 5)',
    ("SSL_write", "num"): "5",
    ("SSL_write_ex", "buf"): 'mk_buf("hello", 5)',
    ("SSL_write_ex", "num"): "5",
    ("SSL_write_early_data", "buf"): 'mk_buf("hello", 5)',
    ("SSL_write_early_data", "num"): "5",
    ("SSL_set_session_ticket_ext", "ext_data"): 'mk_buf("TTTTTTTTTTTTTTTT", 16)',
    ("SSL_set_session_ticket_ext", "ext_len"): "16",
    ("SSL_trace", "buf"): r'mk_buf("\x01\x00\x00\x00", 4)',
    ("SSL_trace", "len"): "4",
    ("SSL_trace", "arg"): "mk_membio()",
    ("SSL_sendfile", "flags"): "0",
    ("i2d_SSL_SESSION", "pp"): "mk_pp(mk_buf(NULL, 0))",
    ("d2i_SSL_SESSION", "a"): "mk_pp(NULL)",
    ("d2i_SSL_SESSION", "pp"): "mk_pp(mk_buf(h_sessder, h_sessder_len))",
    ("d2i_SSL_SESSION", "length"): "h_sessder_len",
    ("PEM_read_bio_SSL_SESSION", "out"): "mk_pembio()",
    ("BIO_ssl_copy_session_id", "to"): "mk_sslbio()",
    ("BIO_ssl_copy_session_id", "from"): "mk_sslbio()",
    ("BIO_ssl_shutdown", "ssl_bio"): "mk_sslbio()",
    ("SSL_CONF_cmd_argv", "pargc"): r'(int *)mk_buf("\x02\x00\x00\x00", 4)',
    ("SSL_CONF_cmd_argv", "pargv"): "mk_pp(h_argv)",
    ("SSL_get_all_async_fds", "numfds"): "(size_t *)mk_buf(NULL, 0)",
    ("SSL_CTX_set_srp_password", "password"): 'mk_buf("password", 9)',
    ("SSL_CTX_set_srp_username", "name"): 'mk_buf("user", 5)',
    ("SSL_set_srp_server_param", "info"): 'mk_buf("info", 5)',
    # integers
    ("SSL_CTX_ctrl", "cmd"): "SSL_CTRL_SET_SESS_CACHE_SIZE",
    ("SSL_CTX_ctrl", "larg"): "100",
    ("SSL_ctrl", "cmd"): "SSL_CTRL_SET_MAX_SEND_FRAGMENT",
    ("SSL_ctrl", "larg"): "1024",
    ("SSL_CTX_callback_ctrl", "arg1"): "SSL_CTRL_SET_TLSEXT_SERVERNAME_CB",
    ("SSL_callback_ctrl", "arg1"): "SSL_CTRL_SET_TLSEXT_SERVERNAME_CB",
    ("SSL_SESSION_set_time", "t"): "1700000000",
    ("SSL_SESSION_set_timeout", "t"): "300",
    ("SSL_SESSION_set_protocol_version", "version"): "TLS1_2_VERSION",
    ("SSL_SESSION_set_max_early_data", "max_early_data"): "16384",
    ("SSL_CTX_set_tlsext_max_fragment_length", "mode"): "TLSEXT_max_fragment_length_512",
    ("SSL_set_tlsext_max_fragment_length", "mode"): "TLSEXT_max_fragment_length_512",
    ("SSL_CONF_CTX_set_flags", "flags"): "SSL_CONF_FLAG_CLIENT",
    ("SSL_CONF_CTX_clear_flags", "flags"): "SSL_CONF_FLAG_CLIENT",
    ("SSL_set_hostflags", "flags"): "X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS",
    ("SSL_CTX_dane_set_flags", "flags"): "DANE_FLAG_NO_DANE_EE_NAMECHECKS",
    ("SSL_CTX_dane_clear_flags", "flags"): "DANE_FLAG_NO_DANE_EE_NAMECHECKS",
    ("SSL_dane_set_flags", "flags"): "DANE_FLAG_NO_DANE_EE_NAMECHECKS",
    ("SSL_dane_clear_flags", "flags"): "DANE_FLAG_NO_DANE_EE_NAMECHECKS",
    ("SSL_set_shutdown", "mode"): "SSL_SENT_SHUTDOWN",
    ("SSL_CTX_set_verify", "mode"): "SSL_VERIFY_PEER",
    ("SSL_set_verify", "mode"): "SSL_VERIFY_PEER",
    ("SSL_set_verify_result", "v"): "X509_V_OK",
    ("SSL_get_servername", "type"): "TLSEXT_NAMETYPE_host_name",
    ("SSL_COMP_add_compression_method", "id"): "200",
    ("SSL_CTX_add_client_custom_ext", "ext_type"): "1000",
    ("SSL_CTX_add_server_custom_ext", "ext_type"): "1000",
    ("SSL_CTX_add_custom_ext", "ext_type"): "1000",
    ("SSL_CTX_has_client_custom_ext", "ext_type"): "1000",
    ("SSL_CTX_set0_tmp_dh_pkey", "dhpkey"): "mk_dh()",
    ("SSL_set0_tmp_dh_pkey", "dhpkey"): "mk_dh()",
    ("SSL_sendfile", "size"): "5",
    ("SSL_CTX_set_client_CA_list", "name_list"): "mk_names()",
    ("SSL_CTX_set_default_read_buffer_len", "len"): "16384",
    ("SSL_set_default_read_buffer_len", "len"): "16384",
    ("SSL_CTX_use_cert_and_key", "override"): "1",
    ("SSL_use_cert_and_key", "override"): "1",
    # the private key files are the key, not the certificate
    ("SSL_CTX_use_PrivateKey_file", "file"): "h_key_file",
    ("SSL_use_PrivateKey_file", "file"): "h_key_file",
    ("SSL_CTX_use_RSAPrivateKey_file", "file"): "h_key_file",
    ("SSL_use_RSAPrivateKey_file", "file"): "h_key_file",
    ("SSL_CTX_use_certificate_chain_file", "file"): "h_chain_file",
    ("SSL_use_certificate_chain_file", "file"): "h_chain_file",
    ("SSL_load_client_CA_file", "file"): "h_ca_file",
    ("SSL_load_client_CA_file_ex", "file"): "h_ca_file",
    ("SSL_add_file_cert_subjects_to_stack", "file"): "h_ca_file",
    ("SSL_CTX_set_ciphersuites", "str"): '"TLS_AES_128_GCM_SHA256"',
    ("SSL_set_ciphersuites", "str"): '"TLS_AES_128_GCM_SHA256"',
    ("SSL_CONF_CTX_set1_prefix", "pre"): '"SSL"',
    ("SSL_CONF_cmd_value_type", "cmd"): '"CipherString"',
    ("SSL_config", "name"): '"default"',
    ("SSL_CTX_config", "name"): '"default"',
    # SSL_SESSION ** / X509 ** / ... out parameters
    ("PEM_read_bio_SSL_SESSION", "x"): "mk_pp(NULL)",
    ("PEM_read_SSL_SESSION", "x"): "mk_pp(NULL)",
    # a server: these only act on one
    ("SSL_client_hello_isv2", "s"): "mk_ssl_server()",
}

# Which object a free or set0 function takes (the arena stops freeing it): function ->
# [(parameter, condition on `ret` or None)].
CONSUMES = {
    "SSL_free": [("ssl", None)],
    "SSL_CTX_free": [("arg0", None)],
    "SSL_SESSION_free": [("ses", None)],
    "SSL_CONF_CTX_free": [("cctx", None)],
    "SSL_set_bio": [("rbio", None), ("wbio", None)],
    "SSL_set0_rbio": [("rbio", None)],
    "SSL_set0_wbio": [("wbio", None)],
    "SSL_CTX_set_cert_store": [("arg1", None)],
    "SSL_CTX_set0_CA_list": [("name_list", None)],
    "SSL_set0_CA_list": [("name_list", None)],
    "SSL_CTX_set_client_CA_list": [("name_list", None)],
    "SSL_set_client_CA_list": [("name_list", None)],
    "SSL_CTX_set0_ctlog_store": [("logs", None)],
    "SSL_CTX_set0_tmp_dh_pkey": [("dhpkey", "ret == 1")],
    "SSL_set0_tmp_dh_pkey": [("dhpkey", "ret == 1")],
    "SSL_COMP_set0_compression_methods": [("meths", None)],
}

# What the caller owns in the return value: function -> C statement over `ret` (and aN).
RET_OWNED = {
    "BIO_new_buffer_ssl_connect": "h_track(ret, h_free_bio_all);",
    "BIO_new_ssl": "h_track(ret, h_free_bio_all);",
    "BIO_new_ssl_connect": "h_track(ret, h_free_bio_all);",
    "SSL_CTX_new": "h_track(ret, (h_free_fn)SSL_CTX_free);",
    "SSL_CTX_new_ex": "h_track(ret, (h_free_fn)SSL_CTX_free);",
    "SSL_new": "h_track(ret, (h_free_fn)SSL_free);",
    "SSL_dup": "h_track(ret, (h_free_fn)SSL_free);",
    "SSL_SESSION_new": "h_track(ret, (h_free_fn)SSL_SESSION_free);",
    "SSL_SESSION_dup": "h_track(ret, (h_free_fn)SSL_SESSION_free);",
    "SSL_get1_session": "h_track(ret, (h_free_fn)SSL_SESSION_free);",
    "d2i_SSL_SESSION": "h_track(ret, (h_free_fn)SSL_SESSION_free);",
    "PEM_read_bio_SSL_SESSION": "h_track(ret, (h_free_fn)SSL_SESSION_free);",
    "PEM_read_SSL_SESSION": "h_track(ret, (h_free_fn)SSL_SESSION_free);",
    "SSL_CONF_CTX_new": "h_track(ret, (h_free_fn)SSL_CONF_CTX_free);",
    "SSL_get1_peer_certificate": "h_track(ret, (h_free_fn)X509_free);",
    "SSL_get1_supported_ciphers": "h_track(ret, h_free_ciphers);",
    "SSL_dup_CA_list": "h_track(ret, h_free_names);",
    "SSL_load_client_CA_file": "h_track(ret, h_free_names);",
    "SSL_load_client_CA_file_ex": "h_track(ret, h_free_names);",
    "SSL_CIPHER_description": "if (a1 == NULL) h_track(ret, h_free_crypto);",
    # the old list comes back: put it back (the process-wide list), ours is the library's
    "SSL_COMP_set0_compression_methods": "if (h_valid) { void *mine = SSL_COMP_set0_compression_methods(ret); if (mine) sk_SSL_COMP_free(mine); }",
}
# Statements after the call (references the library added on success, allocated outs).
POST = {
    "SSL_up_ref": "if (ret == 1) SSL_free(a0);",
    "SSL_CTX_up_ref": "if (ret == 1) SSL_CTX_free(a0);",
    "SSL_SESSION_up_ref": "if (ret == 1) SSL_SESSION_free(a0);",
    "SSL_client_hello_get1_extensions_present": "if (a1) h_track(*(void **)a1, h_free_crypto);",
    "SSL_bytes_to_cipher_list": "if (a4) h_track(*(void **)a4, h_free_ciphers);\n    if (a5) h_track(*(void **)a5, h_free_ciphers);",
}
# How a return value is printed when it is not a plain integer or pointer.
RET_FORMAT = {
    "SSL_SESSION_get_time": "time",
}

# Functions with process-wide effects run last, in this order.
LAST = ["SSL_COMP_add_compression_method", "SSL_COMP_set0_compression_methods", "SSL_add_ssl_module",
        "ERR_load_SSL_strings", "OPENSSL_init_ssl"]

# Calls not made, with the reason (the README lists them).
_EXDATA = ("libcrypto's CRYPTO_set_ex_data (which both libraries use) grows the object's "
           "ex_data stack one NULL at a time up to the index: 2^31 pushes and 16 GiB")
_NPN = ("client_len past the 9-byte client list: OpenSSL's rule (empty entries skipped, the whole "
        "client list searched for each server protocol) reads every byte the caller declares, past "
        "its buffer (OpenSSL faults on the guard page); oxissl follows the same rule: the caller's "
        "contract violation, not made")
SKIP = {
    ("SSL_select_next_proto", "client_len=-1"): _NPN,
    ("SSL_select_next_proto", "client_len=INT_MIN"): _NPN,
    ("SSL_select_next_proto", "client_len=INT_MAX"): _NPN,
    ("SSL_set_ex_data", "idx=INT_MAX"): _EXDATA,
    ("SSL_CTX_set_ex_data", "idx=INT_MAX"): _EXDATA,
    ("SSL_SESSION_set_ex_data", "idx=INT_MAX"): _EXDATA,
}

# ---- integer variants ---------------------------------------------------------------------
V32 = [("0", "0"), ("-1", "-1"), ("INT_MIN", "INT_MIN"), ("INT_MAX", "INT_MAX")]
V64 = V32 + [("LONG_MIN", "LONG_MIN"), ("LONG_MAX", "LONG_MAX")]
V8 = [("0", "0"), ("-1", "-1")]
INT_KINDS = {
    "int": ("s", V32), "signed int": ("s", V32), "unsigned int": ("u", V32), "uint32_t": ("u", V32),
    "long": ("s", V64), "unsigned long": ("u", V64), "size_t": ("u", V64), "uint64_t": ("u", V64),
    "off_t": ("s", V64), "ssize_t": ("s", V64), "uint8_t": ("u", V8), "uint16_t": ("u", V8),
    "unsigned char": ("u", V8), "char": ("s", V8),
}


class Gen:
    def __init__(self):
        self.funcs, self.typedefs, _ = gu.parse_header()

    def resolve(self, ty):
        """Follows typedefs that name neither a scalar of NAMED_SCALARS nor a struct/union."""
        while ty[0] == "base" and ty[2] in self.typedefs and ty[2] not in gu.NAMED_SCALARS:
            target = self.typedefs[ty[2]]
            if target[0] == "base" and target[2].split()[0] in ("struct", "union"):
                return ty
            if ty[1] and target[0] == "base":
                target = ("base", True, target[2])
            ty = target
        return ty

    def is_struct_typedef(self, name):
        t = self.typedefs.get(name)
        return t is not None and t[0] == "base" and t[2].split()[0] in ("struct", "union")

    def decl(self, ty, inner=""):
        """C spelling of type `ty` declaring `inner` (abstract when empty)."""
        if ty[0] == "base":
            return (("const " if ty[1] else "") + ty[2] + (" " + inner if inner else "")).strip()
        if ty[0] == "ptr":
            s = "*" + (" const " if ty[1] else "") + inner
            if ty[2][0] in ("func", "array"):
                s = "(" + s + ")"
            return self.decl(ty[2], s)
        if ty[0] == "func":
            params = ", ".join(self.decl(pt) for _, pt in ty[2]) or "void"
            if ty[3]:
                params += ", ..."
            return self.decl(ty[1], f"{inner}({params})")
        if ty[0] == "array":
            return self.decl(ty[1], inner + "[]")
        raise ValueError(ty)

    def classify(self, ty):
        """('fn',) | ('obj', NAME) | ('str',) | ('buf',) | ('pp',) | ('int', CTYPE) | ('void',)"""
        r = self.resolve(ty)
        if r[0] == "base":
            name = r[2]
            if name == "void":
                return ("void",)
            if name.startswith("enum "):
                return ("int", "int")
            return ("int", name)
        if r[0] == "ptr":
            t = r[2]
            rt = self.resolve(t)
            if rt[0] == "func":
                return ("fn",)
            if rt[0] == "ptr":
                return ("pp",)
            if rt[0] == "base":
                n = rt[2]
                if n.split()[0] in ("struct", "union") or self.is_struct_typedef(n):
                    # spelt with the typedef name when the header used one
                    obj = t[2] if t[0] == "base" else n
                    return ("obj", obj)
                if n == "char" and rt[1]:
                    return ("str",)
                return ("buf",)
        raise ValueError(f"cannot classify {ty}")

    def params(self, name):
        _, ret, params, variadic = self.funcs[name]
        assert not variadic, name
        return ret, [(pn or f"arg{i}", pt) for i, (pn, pt) in enumerate(params)]

    def valid(self, fn, pname, kind):
        if (fn, pname) in VALID:
            return VALID[(fn, pname)]
        k = kind[0]
        if k == "obj":
            if kind[1] not in OBJECTS:
                raise SystemExit(f"gen.py: {fn}({pname}): no constructor for {kind[1]}")
            return OBJECTS[kind[1]]
        if k == "str":
            return STRING_BY_NAME.get(pname, '"x"')
        if k == "buf":
            return "mk_buf(NULL, 0)"
        if k == "pp":
            return "mk_pp(NULL)"
        if k == "fn":
            return "H_FN"
        if k == "int":
            return SCALAR_BY_NAME.get(pname, "1")
        raise ValueError(kind)

    def calls(self, name):
        """[(variant, [arg expressions])] for one function."""
        ret, params = self.params(name)
        kinds = [self.classify(pt) for _, pt in params]
        valid = [self.valid(name, pn, k) for (pn, _), k in zip(params, kinds)]
        out = [("valid", valid)]
        for i, ((pn, pt), k) in enumerate(zip(params, kinds)):
            if k[0] in ("obj", "str", "buf", "pp", "fn"):
                variants = [("NULL", "NULL")]
            elif k[0] == "int":
                if k[1] not in INT_KINDS:
                    raise SystemExit(f"gen.py: {name}({pn}): no integer variants for {k[1]}")
                variants = INT_KINDS[k[1]][1]
            else:
                variants = []
            for vname, vexpr in variants:
                if vexpr == valid[i]:
                    continue  # the valid call already made
                args = list(valid)
                args[i] = vexpr
                out.append((f"{pn}={vname}", args))
        return ret, params, kinds, out

    def emit(self, names):
        lines = ['/* @generated by tools/misuse/gen.py -- do not edit. */', '#include "harness.h"', "",
                 "#pragma GCC diagnostic ignored \"-Wdeprecated-declarations\"", ""]
        table = []
        stats = {"functions": 0, "calls": 0, "skipped": 0}
        for name in names:
            ret, params, kinds, calls = self.calls(name)
            stats["functions"] += 1
            rkind = self.classify(ret) if not (ret[0] == "base" and ret[2] == "void") else ("void",)
            for n, (variant, args) in enumerate(calls):
                if (name, variant) in SKIP:
                    stats["skipped"] += 1
                    continue
                cname = f"call_{name}__{n}"
                lines.append(f"/* {name} {variant} */")
                lines.append(f"static void {cname}(void)")
                lines.append("{")
                for i, ((pn, pt), k) in enumerate(zip(params, kinds)):
                    if k[0] == "int":
                        lines.append(f"    long long a{i} = (long long)({args[i]});")
                    else:
                        lines.append(f"    void *a{i} = (void *)({args[i]});")
                cargs = ", ".join(f"({self.decl(pt)})a{i}" for i, (_, pt) in enumerate(params))
                lines.append("    h_begin();")
                if rkind[0] == "void":
                    lines.append(f"    ({name})({cargs});")
                    lines.append("    h_ret_void();")
                elif rkind[0] == "int":
                    signed = INT_KINDS.get(rkind[1], ("s",))[0] == "s"
                    ctype = "long long" if signed else "unsigned long long"
                    lines.append(f"    {ctype} ret = ({ctype})({name})({cargs});")
                    fmt = RET_FORMAT.get(name)
                    if fmt == "time":
                        lines.append("    h_ret_time((long long)ret);")
                    else:
                        lines.append(f"    h_ret_{'s' if signed else 'u'}(ret);")
                else:
                    lines.append(f"    void *ret = (void *)({name})({cargs});")
                    lines.append("    h_ret_p(ret);")
                for pn, cond in CONSUMES.get(name, []):
                    i = [p for p, _ in params].index(pn)
                    if cond:
                        lines.append(f"    if ({cond}) h_consumed(a{i});")
                    else:
                        lines.append(f"    h_consumed(a{i});")
                if name in RET_OWNED:
                    lines.append(f"    if (ret) {{ {RET_OWNED[name]} }}")
                if name in POST:
                    lines.append(f"    {POST[name]}")
                if rkind[0] != "void":
                    lines.append("    (void)ret;")
                for i in range(len(params)):
                    lines.append(f"    (void)a{i};")
                lines.append("    h_release();")
                lines.append("}")
                lines.append("")
                table.append((name, variant, cname))
                stats["calls"] += 1
        lines.append("const h_call h_calls[] = {")
        for name, variant, cname in table:
            lines.append(f'    {{"{name}", "{variant}", {cname}}},')
        lines.append("};")
        lines.append(f"const int h_ncalls = {len(table)};")
        return "\n".join(lines) + "\n", stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--stats", action="store_true")
    ap.add_argument("--skips", action="store_true", help="print the calls not made and why")
    opts = ap.parse_args()
    exports = open(EXPORTS).read().split()
    order = [n for n in exports if n not in LAST] + [n for n in LAST if n in exports]
    g = Gen()
    missing = [n for n in exports if n not in g.funcs]
    if missing:
        raise SystemExit(f"gen.py: no prototype in <openssl/ssl.h> for {' '.join(missing)}")
    text, stats = g.emit(order)
    if opts.output == "-":
        sys.stdout.write(text)
    elif os.path.exists(opts.output) and not os.path.isfile(opts.output):
        # A device or pipe (/dev/null): write into it; renaming over it would replace it.
        with open(opts.output, "w") as f:
            f.write(text)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(opts.output)), exist_ok=True)
        tmp = opts.output + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, opts.output)
    if opts.skips:
        for (fn, variant), why in SKIP.items():
            print(f"{fn}\t{variant}\t{why}")
    if opts.stats:
        print(f"{stats['functions']} functions, {stats['calls']} calls, {stats['skipped']} skipped",
              file=sys.stderr)


if __name__ == "__main__":
    main()
