/// <reference types="@tarojs/taro" />

declare module '*.png' {
  const url: string;
  export default url;
}
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    /** Set by Taro at build time; decides the target's code paths. */
    TARO_ENV: 'weapp' | 'h5';
    NODE_ENV: 'development' | 'production';
  }
}

/** The API origin compiled into the weapp build (config/index.ts). */
declare const API_BASE_URL: string;

/** Taro replaces process.env.* at build time; there is no Node process in the mini-program. */
declare const process: { env: NodeJS.ProcessEnv };
