declare module 'miniprogram-simulate' {
  interface RenderedComponent {
    dom: HTMLElement;
    attach: (parent: HTMLElement) => void;
    querySelector: (selector: string) => RenderedComponent | undefined;
    instance: Record<string, unknown>;
  }
  const simulate: {
    load: (
      componentPath: string | Record<string, unknown>,
      tagName?: string | Record<string, unknown>,
      options?: Record<string, unknown>,
    ) => string;
    render: (id: string, properties?: Record<string, unknown>) => RenderedComponent;
    sleep: (ms?: number) => Promise<void>;
  };
  export default simulate;
}
