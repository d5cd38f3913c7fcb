import { Route, Routes } from 'react-router-dom';
import { CampaignDetail } from '../components/campaigns/CampaignDetail';
import { CampaignEditor } from '../components/campaigns/CampaignEditor';
import { CampaignList } from '../components/campaigns/CampaignList';

export function CampaignsPage() {
  return (
    <Routes>
      <Route index element={<CampaignList />} />
      <Route path="new" element={<CampaignEditor />} />
      <Route path=":id" element={<CampaignDetail />} />
      <Route path=":id/edit" element={<CampaignEditor />} />
    </Routes>
  );
}
