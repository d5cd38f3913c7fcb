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
