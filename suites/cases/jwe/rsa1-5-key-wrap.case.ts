import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/rsa1-5-key-wrap',
  title: 'rejects a JWE using the RSA1_5 key-management algorithm',
  // RFC 8725 §3.2 only recommends against RSA1_5; the MUST is that no key of the gateway decrypts this
  // token and no signature is inside (RFC 9068 §4).
  level: 'must',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.2' },
    { doc: 'Wycheproof json_web_encryption_test', section: 'InvalidPkcs15Padding' },
  ],
  covers: ['D04'],
  features: [],
  request: {
    authorization: 'Bearer eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMjU2R0NNIn0.0H45XXCHKo9C4G9WOFo38Fjf-OYPj5QNErFSmI4PwkftPCwzBxMY-pRjtHL-zxVx5SRfxcf2KaAFMvFc4-OkXz5BFxwt4LQo-WQHAuCc4x8WDM6bkaQi1SgI35UpxM7n5KHI9bqwtYKaa0EU4rVcDmssv7aLXjdy4SnWCtujZ9RUSYqChEUC4fFoL0WBEznVkoRDHPjbXymHNG4P3hZUsarYAyJHhoh2zNq4Sc_uetZXqh630mmpa75F4FIQFEUZMZ5DRAzWhYyfAJKQxv_seHOiNXZtgarHnStWOPs92qqDuFEZmvMvxt1AbApeUQ-Y1gmhvtXb1JK3TCsVYozqbw.GVmItsfYqXKOOI8T.xeLB1bX00XjE4R0TX23GW06KiTYenvsrp75OYoV_lftcVfuRLu4mtuaDN48NJVuO3oiaIkRkQBaWAatOkmRmLxi5LvscAfxO3NdBaivuPT3ErWfG779Xp2fc6YfQgz_eGvQqOvBVnRVlwuU-bKYG8cGy2GRb5EN_-n-FvnfNJcj7vkps2mSFO8Ootst3B6-mZPYm20FpQfq6LTl8z2ISBz99Pb_wZ83bN1wHPSPb9X6LTc3P_ymozwfjySAaOiysm3xChtAEwe8.tLZGQygUE8hasuqx559qAA',
  },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
