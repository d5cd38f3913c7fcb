import type { EraseMemberResponse } from '@member-ops/shared';
import { App, Button, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, download, errorText } from '../api';
import { useSession } from '../session';

/**
 * A member's PIPL requests handled by an admin: a copy of all their data (JSON, full phone) and erasure. Both are
 * audited on the server; only admins see the buttons, and the server refuses everyone else the same way.
 */
export function MemberPrivacyActions({ memberId }: { memberId: number }) {
  const { staff } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [erasing, setErasing] = useState(false);
  if (staff.role !== 'admin') return null;

  const exportData = async () => {
    try {
      await download(`/admin/members/${memberId}/export`, `member-${memberId}-data.json`);
      void message.success('已导出会员数据（已记录审计日志）');
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const erase = async () => {
    setErasing(true);
    try {
      const result = await api<EraseMemberResponse>('POST', `/admin/members/${memberId}/erase`, { confirm: true });
      void message.success(`会员 ${result.memberId} 的个人信息已删除，保留 ${result.kept.orders} 笔匿名订单`);
      setConfirming(false);
      void navigate('/members');
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setErasing(false);
    }
  };
  return (
    <>
      <Space size="small">
        <Button size="small" onClick={() => void exportData()}>
          导出个人数据
        </Button>
        <Button size="small" danger onClick={() => setConfirming(true)}>
          注销会员
        </Button>
      </Space>
      <Modal
        title="注销会员并删除个人信息"
        open={confirming}
        onCancel={() => setConfirming(false)}
        onOk={() => void erase()}
        okText="确认注销"
        okButtonProps={{ danger: true, loading: erasing }}
        destroyOnHidden
      >
        <Space direction="vertical">
          <Typography.Text>
            将删除会员 {memberId}{' '}
            的手机号、昵称、生日、地区、收货地址、订单备注、跟进备注、评价内容和浏览记录中的个人信息，并解除微信绑定，此操作无法撤销。
          </Typography.Text>
          <Typography.Text type="secondary">
            订单、支付、退款、积分流水和优惠券记录以匿名方式保留，金额与余额不变。有待支付订单或处理中的退款时无法注销。操作会记录在审计日志中。
          </Typography.Text>
        </Space>
      </Modal>
    </>
  );
}
