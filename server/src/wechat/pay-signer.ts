import { createPrivateKey, createPublicKey } from 'node:crypto';
import WechatPay from 'wechatpay-node-v3';

export const AUTHORIZATION_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

export interface MerchantSignerOptions {
  appId: string;
  mchId: string;
  /** Serial number of the merchant API certificate (apiclient_cert.pem). */
  serialNo: string;
  /** PEM of the merchant API private key (apiclient_key.pem). */
  privateKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent, without the host, e.g. `/v3/pay/transactions/jsapi`. */
  canonicalUrl: string;
  /** The exact body bytes sent; empty for GET. */
  body: string;
  nonce: string;
  /** Unix seconds. */
  timestamp: string;
}

export interface MerchantSigner {
  /** The `Authorization` header value for a request to WeChat Pay v3. */
  authorization(request: SignedRequest): string;
  /** `paySign` for `wx.requestPayment`: SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n`. */
  paySign(timeStamp: string, nonceStr: string, packageValue: string): string;
}

/**
 * Merchant-side signing through wechatpay-node-v3's own helpers. Its request methods are not used because they
 * call the hard-coded production host; only the signature builders, which take the URL path as an argument, are.
 */
export function createMerchantSigner(options: MerchantSignerOptions): MerchantSigner {
  const privateKeyPem = Buffer.from(options.privateKey);
  // The library insists on a public key (it would parse a certificate for the serial when none is given); the
  // serial is passed explicitly, so the merchant's own public key, derived here, satisfies it.
  const publicKeyPem = Buffer.from(
    createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString(),
  );
  const pay = new WechatPay({
    appid: options.appId,
    mchid: options.mchId,
    serial_no: options.serialNo,
    publicKey: publicKeyPem,
    privateKey: privateKeyPem,
    authType: AUTHORIZATION_SCHEME,
  });

  return {
    authorization({ method, canonicalUrl, body, nonce, timestamp }) {
      const signature = pay.getSignature(method, nonce, timestamp, canonicalUrl, body);
      return pay.getAuthorization(nonce, timestamp, signature);
    },
    paySign(timeStamp, nonceStr, packageValue) {
      return pay.sha256WithRsa(`${options.appId}\n${timeStamp}\n${nonceStr}\n${packageValue}\n`);
    },
  };
}
