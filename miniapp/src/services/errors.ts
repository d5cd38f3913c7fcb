/** What a failed API call tells the page: a Chinese message to show and the server's code. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, string> = {
  NETWORK: '网络不可用，请检查网络后重试',
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '内容不存在或已下架',
  CONFLICT: '状态已变化，请刷新后重试',
  SOLD_OUT: '商品已售罄',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  UNPROCESSABLE: '暂时无法处理该请求',
  VALIDATION_FAILED: '填写的信息有误',
  BAD_REQUEST: '请求有误',
  BAD_RESPONSE: '服务返回的数据无法识别',
};

const HAS_CHINESE = /[\u4e00-\u9fa5]/;

/** The text a shopper sees: the server's own words when they are Chinese, else a message for the code. */
export function userMessage(status: number, code: string, serverMessage: string | undefined): string {
  if (serverMessage && HAS_CHINESE.test(serverMessage)) return serverMessage;
  if (status >= 500) return '服务繁忙，请稍后再试';
  return MESSAGES[code] ?? '操作失败，请稍后再试';
}
